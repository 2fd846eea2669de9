/// An 8-bit RGB image: `height` rows of `width` pixels, 3 bytes each, row-major.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "\(pixels.count) bytes for \(width)x\(height) RGB")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The rectangle of `width` × `height` pixels whose top left corner is (`left`, `top`).
    public func cropped(left: Int, top: Int, width w: Int, height h: Int) -> RGBImage {
        precondition(left >= 0 && top >= 0 && left + w <= width && top + h <= height)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let from = ((top + y) * width + left) * 3
                    for i in 0..<(w * 3) { dst[y * w * 3 + i] = src[from + i] }
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
