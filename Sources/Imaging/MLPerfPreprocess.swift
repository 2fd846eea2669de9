/// ImageNet as MLPerf's reference prepares it for ResNet-50 (`pre_process_vgg` in
/// `vision/classification_and_detection/python/dataset.py` of mlcommons/inference): RGB, an aspect-preserving
/// INTER_AREA resize so the short side is 256 (`resize_with_aspectratio` with scale 87.5 %), a 224 × 224 centre
/// crop, then the means [123.68, 116.78, 103.94] subtracted in float32.
///
/// The crop is kept as bytes (150,528 per image); `floats` makes the network's input from it when it is loaded,
/// which gives exactly the reference's float32 values.
public enum MLPerfPreprocess {
    public static let size = 224
    public static let means: [Float] = [123.68, 116.78, 103.94]

    /// The resize target of `resize_with_aspectratio`: 256 on the short side, the long side truncated.
    public static func resizedSize(width: Int, height: Int, output: Int = size) -> (width: Int, height: Int) {
        let side = Int(100.0 * Double(output) / 87.5)
        return height > width
            ? (side, Int(Double(side * height) / Double(width)))
            : (Int(Double(side * width) / Double(height)), side)
    }

    /// The 224 × 224 RGB crop of a decoded image.
    public static func crop(_ image: RGBImage) -> RGBImage {
        let (w, h) = resizedSize(width: image.width, height: image.height)
        let resized = AreaResize.resize(image, width: w, height: h)
        // `center_crop`: int((width - out) / 2), Python's true division then truncation.
        let left = Int(Double(w - size) / 2)
        let top = Int(Double(h - size) / 2)
        return resized.cropped(left: left, top: top, width: size, height: size)
    }

    /// The network's NHWC input of one crop: each byte as float32 minus its channel's mean.
    public static func floats(
        _ crop: UnsafePointer<UInt8>, count: Int = size * size * 3, into out: UnsafeMutablePointer<Float>
    ) {
        let m0 = means[0]
        let m1 = means[1]
        let m2 = means[2]
        var i = 0
        while i < count {
            out[i] = Float(crop[i]) - m0
            out[i + 1] = Float(crop[i + 1]) - m1
            out[i + 2] = Float(crop[i + 2]) - m2
            i += 3
        }
    }
}
