internal import CCurl

/// One libcurl easy handle, owned and freed here; global initialisation is done once per process.
///
/// The corresponding C functions are `curl_easy_init`, `curl_easy_setopt`, `curl_easy_perform`,
/// `curl_easy_getinfo` and `curl_easy_cleanup`. A handle is used by one thread at a time.
final class CurlEasy {
    /// `curl_global_init`, once, before the first handle (a lazily initialised global is thread-safe).
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    let handle: UnsafeMutableRawPointer
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    private var headers: UnsafeMutablePointer<curl_slist>?

    init() throws(FetchError) {
        guard CurlEasy.globalInit == CURLE_OK, let h = curl_easy_init() else {
            throw .setup("libcurl could not be initialised")
        }
        handle = h
        errorBuffer.withUnsafeMutableBufferPointer {
            _ = repro_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, $0.baseAddress)
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headers { curl_slist_free_all(headers) }
    }

    func set(_ option: CURLoption, _ value: Int) { _ = repro_curl_setopt_long(handle, option, value) }
    func set(_ option: CURLoption, offset value: Int64) { _ = repro_curl_setopt_off(handle, option, curl_off_t(value)) }
    func set(_ option: CURLoption, _ value: String) { _ = repro_curl_setopt_string(handle, option, value) }
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        _ = repro_curl_setopt_pointer(handle, option, value)
    }

    func setHeaders(_ lines: [String]) {
        if let headers { curl_slist_free_all(headers) }
        headers = nil
        for line in lines { headers = curl_slist_append(headers, line) }
        _ = repro_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
    }

    /// Runs the transfer (blocking); returns libcurl's code and its error text.
    func perform() -> (code: Int, message: String) {
        errorBuffer.withUnsafeMutableBufferPointer { $0[0] = 0 }
        let code = curl_easy_perform(handle)
        let text = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let message = text.isEmpty ? String(cString: curl_easy_strerror(code)) : text
        return (Int(code.rawValue), message)
    }

    var responseCode: Int {
        var v = 0
        _ = repro_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &v)
        return v
    }

    /// The version of libcurl, for results and `repro --version`.
    static var version: String { String(cString: curl_version()) }
}
