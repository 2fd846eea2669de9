internal import CTurboJPEG

/// JPEG decoding with libjpeg-turbo's TurboJPEG API, as OpenCV's `imread` decodes: the accurate integer IDCT and
/// fancy upsampling (TurboJPEG's defaults), greyscale replicated into RGB, Adobe CMYK converted as OpenCV does.
/// Corrupt-data warnings are tolerated, as libjpeg (and so OpenCV) tolerates them; errors are not.
///
/// One decoder per thread. The corresponding C functions are `tjInitDecompress`, `tjDecompressHeader3`,
/// `tjDecompress2` and `tjDestroy`.
public final class JPEGDecoder {
    let handle: tjhandle

    public init() throws(ImagingError) {
        guard let h = tjInitDecompress() else {
            throw .file(path: "libturbojpeg", problem: "tjInitDecompress failed")
        }
        handle = h
    }

    deinit { tjDestroy(handle) }

    /// Decodes the bytes of a JPEG file; `path` names it in errors.
    public func decode(_ bytes: [UInt8], path: String) throws(ImagingError) -> RGBImage {
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer { b in
            tjDecompressHeader3(handle, b.baseAddress, UInt(b.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0, width > 0, height > 0 else { throw .jpeg(path: path, problem: lastError()) }
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = cmyk ? 4 : 3
        var out = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let status = bytes.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                tjDecompress2(
                    handle, b.baseAddress, UInt(b.count), o.baseAddress, width, 0, height,
                    cmyk ? Int32(TJPF_CMYK.rawValue) : Int32(TJPF_RGB.rawValue), 0)
            }
        }
        if status != 0 && tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) {
            throw .jpeg(path: path, problem: lastError())
        }
        if cmyk { out = JPEGDecoder.rgb(fromInvertedCMYK: out) }
        return RGBImage(width: Int(width), height: Int(height), pixels: out)
    }

    func lastError() -> String { String(cString: tjGetErrorStr2(handle)) }

    /// OpenCV's conversion of the (Adobe, inverted) CMYK that libjpeg produces: each of R, G, B is
    /// k − ((255 − c)·k >> 8) with c its C, M or Y.
    static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: cmyk.count / 4 * 3)
        for p in 0..<(cmyk.count / 4) {
            let k = Int(cmyk[4 * p + 3])
            for i in 0..<3 { rgb[3 * p + i] = UInt8(k - ((255 - Int(cmyk[4 * p + i])) * k >> 8)) }
        }
        return rgb
    }
}
