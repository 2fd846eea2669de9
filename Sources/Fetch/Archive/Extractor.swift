internal import CArchive

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What an extraction wrote.
public struct ExtractResult: Sendable {
    public var entries: Int
    public var bytes: Int
    /// For a single compressed file (`x.csv.gz`): the file it became.
    public var singleFile: String?
}

/// Unpacks .tar, .tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst, .zip — and a lone compressed file (.gz, .xz,
/// .bz2, .zst) — with libarchive (the library behind bsdtar), refusing entries that would land outside the
/// destination.
///
/// Every entry is checked before anything of it is written: an absolute path, a `..` component, or a link
/// whose target leaves the destination stops the extraction with an error naming the entry. libarchive's own
/// guards (`SECURE_NODOTDOT`, `SECURE_SYMLINKS`) are on as well, so writing through a symbolic link extracted
/// earlier is refused too. File modes are kept; owners are not.
public enum Extractor {
    public static func extract(
        _ archivePath: String, into destination: String, stripComponents: Int = 0,
        isCancelled: () -> Bool = { false }
    ) throws(FetchError) -> ExtractResult {
        try FileTools.makeDirectories(destination)
        let name = archivePath.split(separator: "/").last.map(String.init) ?? archivePath
        let single = singleFileName(name)
        guard let reader = archive_read_new() else { throw .setup("libarchive could not be initialised") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_all(reader)
        if single != nil { archive_read_support_format_raw(reader) } else { archive_read_support_format_all(reader) }
        guard archive_read_open_filename(reader, archivePath, 1 << 20) == ARCHIVE_OK else {
            throw .archive(archive: name, problem: message(reader))
        }
        guard let writer = archive_write_disk_new() else { throw .setup("libarchive could not be initialised") }
        defer { archive_write_free(writer) }
        // Entries are written at absolute paths under the destination (no process-wide chdir with threads
        // about), so libarchive's no-absolute-paths guard is replaced by the check of every entry's own path.
        let flags =
            ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS
            | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_UNLINK
        archive_write_disk_set_options(writer, flags)

        var result = ExtractResult(entries: 0, bytes: 0, singleFile: nil)
        var entry: OpaquePointer?
        while true {
            if isCancelled() { throw .cancelled }
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status >= ARCHIVE_WARN, let entry else { throw .archive(archive: name, problem: message(reader)) }
            let original = string(archive_entry_pathname(entry)) ?? ""
            let relative: String
            if let single {
                relative = single
                result.singleFile = destination + "/" + single
                archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG, a macro Swift does not import
                archive_entry_set_perm(entry, 0o644)
            } else {
                guard let safe = try safePath(original, strip: stripComponents, archive: name) else { continue }
                relative = safe
                try checkLinks(entry, relative: relative, original: original, archive: name, strip: stripComponents)
            }
            archive_entry_set_pathname(entry, destination + "/" + relative)
            if let hardlink = string(archive_entry_hardlink(entry)) {
                guard let target = try safePath(hardlink, strip: stripComponents, archive: name) else { continue }
                archive_entry_set_hardlink(entry, destination + "/" + target)
            }
            guard archive_write_header(writer, entry) >= ARCHIVE_WARN else {
                throw .unsafeEntry(archive: name, entry: original, reason: message(writer))
            }
            if archive_entry_size(entry) > 0 || single != nil {
                result.bytes += try copyData(
                    from: reader, to: writer, archive: name, entry: original, isCancelled: isCancelled)
            }
            guard archive_write_finish_entry(writer) >= ARCHIVE_WARN else {
                throw .archive(archive: name, problem: "\(original): \(message(writer))")
            }
            result.entries += 1
        }
        return result
    }

    /// `data.csv` for `data.csv.gz`; nil for archives (tarballs and zips).
    static func singleFileName(_ name: String) -> String? {
        let lower = name.lowercased()
        if lower.hasSuffix(".tgz") || lower.hasSuffix(".tbz2") || lower.hasSuffix(".txz") || lower.contains(".tar.") {
            return nil
        }
        for ext in [".gz", ".xz", ".bz2", ".zst", ".lz4"] where lower.hasSuffix(ext) {
            return String(name.dropLast(ext.count))
        }
        return nil
    }

    /// The entry's path inside the destination, or an error when it would leave it; nil when stripping
    /// leading components leaves nothing (the entry is skipped, as `tar --strip-components` does).
    static func safePath(_ path: String, strip: Int, archive: String) throws(FetchError) -> String? {
        if path.hasPrefix("/") { throw .unsafeEntry(archive: archive, entry: path, reason: "it has an absolute path") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if parts.contains("..") {
            throw .unsafeEntry(archive: archive, entry: path, reason: "its path contains '..'")
        }
        guard parts.count > strip else { return nil }
        return parts.dropFirst(strip).joined(separator: "/")
    }

    /// A symbolic link must point inside the destination, judged from the folder it is in.
    static func checkLinks(_ entry: OpaquePointer, relative: String, original: String, archive: String, strip: Int)
        throws(FetchError)
    {
        guard let target = string(archive_entry_symlink(entry)) else { return }
        if target.hasPrefix("/") {
            throw .unsafeEntry(
                archive: archive, entry: original, reason: "it is a link to the absolute path '\(target)'")
        }
        var depth = relative.split(separator: "/").count - 1
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            if part == ".." {
                depth -= 1
                if depth < 0 {
                    throw .unsafeEntry(
                        archive: archive, entry: original,
                        reason: "it is a link to '\(target)', outside the destination")
                }
            } else if part != "." {
                depth += 1
            }
        }
    }

    static func copyData(
        from reader: OpaquePointer, to writer: OpaquePointer, archive: String, entry: String,
        isCancelled: () -> Bool
    ) throws(FetchError) -> Int {
        var total = 0
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        while true {
            let r = archive_read_data_block(reader, &buffer, &size, &offset)
            if r == ARCHIVE_EOF { return total }
            guard r >= ARCHIVE_WARN else { throw .archive(archive: archive, problem: "\(entry): \(message(reader))") }
            if isCancelled() { throw .cancelled }
            guard archive_write_data_block(writer, buffer, size, offset) >= ARCHIVE_WARN else {
                throw .archive(archive: archive, problem: "\(entry): \(message(writer))")
            }
            total += size
        }
    }

    static func message(_ a: OpaquePointer) -> String { string(archive_error_string(a)) ?? "unknown error" }

    static func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

    /// The libarchive version.
    public static var libraryVersion: String { string(archive_version_details()) ?? "libarchive" }
}
