/// OpenCV's `cv::resize` with `INTER_AREA` for 8-bit images, step by step as OpenCV 4 computes it, so the bytes
/// agree: shrinking by a whole factor averages blocks (`resizeAreaFast`); shrinking by any other factor weighs each
/// source pixel by the share of it a destination pixel covers, in single precision and in OpenCV's order of
/// additions (`resizeArea`); enlarging is OpenCV's "area" variant of bilinear interpolation in 11-bit fixed point.
/// Results are rounded to nearest, ties to even (`cvRound`), and clamped to 0…255, except where OpenCV's SIMD
/// paths (which it takes for whole rows) round otherwise: 2×2 block averages and the vertical pass of enlarging.
/// Checked byte for byte against opencv-python-headless 4.12 (`Tests/ImagingTests`).
public enum AreaResize {
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0)
        if width == image.width && height == image.height { return image }
        // OpenCV divides twice: scale = 1 / (dsize / ssize).
        let inverseX = Double(width) / Double(image.width)
        let inverseY = Double(height) / Double(image.height)
        let scaleX = 1 / inverseX
        let scaleY = 1 / inverseY
        if scaleX >= 1 && scaleY >= 1 {
            let wholeX = Int(scaleX.rounded())
            let wholeY = Int(scaleY.rounded())
            if abs(scaleX - Double(wholeX)) < Double.ulpOfOne && abs(scaleY - Double(wholeY)) < Double.ulpOfOne {
                return blockAverage(image, width: width, height: height, scaleX: wholeX, scaleY: wholeY)
            }
            return area(image, width: width, height: height, scaleX: scaleX, scaleY: scaleY)
        }
        return enlarge(
            image, width: width, height: height, scaleX: scaleX, scaleY: scaleY, inverseX: inverseX,
            inverseY: inverseY)
    }

    /// `cvRound` then `saturate_cast<uchar>`.
    @inline(__always)
    static func byte(_ v: Float) -> UInt8 {
        let r = v.rounded(.toNearestOrEven)
        return r <= 0 ? 0 : r >= 255 ? 255 : UInt8(r)
    }

    // MARK: - Shrinking by a whole factor

    static func blockAverage(_ image: RGBImage, width: Int, height: Int, scaleX: Int, scaleY: Int) -> RGBImage {
        let sw = image.width * 3
        let scale = 1 / Float(scaleX * scaleY)
        var out = [UInt8](repeating: 0, count: width * height * 3)
        image.pixels.withUnsafeBufferPointer { src in
            for dy in 0..<height {
                let sy0 = dy * scaleY
                let full = sy0 + scaleY <= image.height
                for dx in 0..<(width * 3) {
                    let sx0 = (dx / 3) * scaleX * 3 + dx % 3
                    var sum = 0
                    var count = 0
                    for sy in 0..<scaleY where sy0 + sy < image.height {
                        for sx in 0..<scaleX where sx0 + sx * 3 < sw {
                            sum += Int(src[(sy0 + sy) * sw + sx0 + sx * 3])
                            count += 1
                        }
                    }
                    // Whole blocks: the sum times 1/area (2×2 blocks: OpenCV's SIMD path, (sum + 2) >> 2, which
                    // rounds ties up); blocks cut by the border: the mean of what is there.
                    let inside = full && (dx / 3 + 1) * scaleX <= image.width
                    out[dy * width * 3 + dx] =
                        !inside
                        ? byte(Float(sum) / Float(count))
                        : scaleX == 2 && scaleY == 2 ? UInt8((sum + 2) >> 2) : byte(Float(sum) * scale)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    // MARK: - Shrinking by any factor

    /// A source pixel's share of a destination pixel: `source` and `destination` are indices (× channels).
    struct Share {
        var source: Int
        var destination: Int
        var alpha: Float
    }

    /// OpenCV's `computeResizeAreaTab`.
    static func shares(source: Int, destination: Int, channels: Int, scale: Double) -> [Share] {
        var tab: [Share] = []
        for dx in 0..<destination {
            let fsx1 = Double(dx) * scale
            let fsx2 = fsx1 + scale
            let cellWidth = min(scale, Double(source) - fsx1)
            var sx1 = Int(fsx1.rounded(.up))
            var sx2 = Int(fsx2.rounded(.down))
            sx2 = min(sx2, source - 1)
            sx1 = min(sx1, sx2)
            if Double(sx1) - fsx1 > 1e-3 {
                tab.append(
                    Share(
                        source: (sx1 - 1) * channels, destination: dx * channels,
                        alpha: Float((Double(sx1) - fsx1) / cellWidth)))
            }
            for sx in stride(from: sx1, to: sx2, by: 1) {
                tab.append(Share(source: sx * channels, destination: dx * channels, alpha: Float(1 / cellWidth)))
            }
            if fsx2 - Double(sx2) > 1e-3 {
                tab.append(
                    Share(
                        source: sx2 * channels, destination: dx * channels,
                        alpha: Float(min(min(fsx2 - Double(sx2), 1), cellWidth) / cellWidth)))
            }
        }
        return tab
    }

    static func area(_ image: RGBImage, width: Int, height: Int, scaleX: Double, scaleY: Double) -> RGBImage {
        let xtab = shares(source: image.width, destination: width, channels: 3, scale: scaleX)
        let ytab = shares(source: image.height, destination: height, channels: 1, scale: scaleY)
        let dw = width * 3
        var out = [UInt8](repeating: 0, count: dw * height)
        var buf = [Float](repeating: 0, count: dw)
        var sum = [Float](repeating: 0, count: dw)
        image.pixels.withUnsafeBufferPointer { src in
            var previous = ytab[0].destination
            for entry in ytab {
                let beta = entry.alpha
                let row = entry.source * image.width * 3
                for i in 0..<dw { buf[i] = 0 }
                for s in xtab {
                    for c in 0..<3 {
                        buf[s.destination + c] = buf[s.destination + c] + Float(src[row + s.source + c]) * s.alpha
                    }
                }
                if entry.destination != previous {
                    for i in 0..<dw {
                        out[previous * dw + i] = byte(sum[i])
                        sum[i] = beta * buf[i]
                    }
                    previous = entry.destination
                } else {
                    for i in 0..<dw { sum[i] = sum[i] + beta * buf[i] }
                }
            }
            for i in 0..<dw { out[previous * dw + i] = byte(sum[i]) }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    // MARK: - Enlarging

    /// OpenCV's source offset and 11-bit weights of destination index `d` in INTER_AREA's bilinear variant.
    static func taps(_ d: Int, source: Int, scale: Double, inverse: Double) -> (Int, Int16, Int16) {
        var s = Int((Double(d) * scale).rounded(.down))
        var f = Float(Double(d + 1) - Double(s + 1) * inverse)
        f = f <= 0 ? 0 : f - f.rounded(.down)
        if s < 0 {
            (s, f) = (0, 0)
        }
        if s >= source - 1 {
            (s, f) = (source - 1, 0)
        }
        func q(_ v: Float) -> Int16 { Int16((v * 2048).rounded(.toNearestOrEven)) }
        return (s, q(1 - f), q(f))
    }

    static func enlarge(
        _ image: RGBImage, width: Int, height: Int, scaleX: Double, scaleY: Double, inverseX: Double, inverseY: Double
    ) -> RGBImage {
        let sw = image.width * 3
        let xs = (0..<width).map { taps($0, source: image.width, scale: scaleX, inverse: inverseX) }
        let ys = (0..<height).map { taps($0, source: image.height, scale: scaleY, inverse: inverseY) }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        // Each source row horizontally first (integers scaled by 2048), then two rows blended vertically.
        func horizontal(_ src: UnsafeBufferPointer<UInt8>, _ sy: Int) -> [Int32] {
            var row = [Int32](repeating: 0, count: width * 3)
            for dx in 0..<width {
                let (sx, a0, a1) = xs[dx]
                for c in 0..<3 {
                    let p0 = Int32(src[sy * sw + sx * 3 + c])
                    let p1 = sx + 1 < image.width ? Int32(src[sy * sw + (sx + 1) * 3 + c]) : 0
                    row[dx * 3 + c] = sx + 1 < image.width ? p0 * Int32(a0) + p1 * Int32(a1) : p0 * 2048
                }
            }
            return row
        }
        image.pixels.withUnsafeBufferPointer { src in
            for dy in 0..<height {
                let (sy, b0, b1) = ys[dy]
                let r0 = horizontal(src, sy)
                let r1 = horizontal(src, min(sy + 1, image.height - 1))
                // OpenCV's SIMD vertical pass (VResizeLinearVec_32s8u), which it uses for whole rows: each row
                // shifted right by 4, multiplied by its weight keeping the high 16 bits, summed, then (v + 2) >> 2.
                for i in 0..<(width * 3) {
                    let v = ((r0[i] >> 4) * Int32(b0)) >> 16 + ((r1[i] >> 4) * Int32(b1)) >> 16
                    out[dy * width * 3 + i] = UInt8(clamping: (v + 2) >> 2)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
