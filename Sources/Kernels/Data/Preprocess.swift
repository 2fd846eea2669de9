import Foundation

/// How to turn the digits CSV into tensors.
public struct PreprocessOptions: Sendable {
    /// Seeds the train/validation split.
    public var seed: UInt64 = 1
    /// The share of samples kept for validation.
    public var validationFraction: Double = 0.2
    /// 8 keeps the 8×8 images; 32 resizes them (bilinear) to 32×32 for the CNN.
    public var size: Int = 8
    /// 1, or 3 (the grey value in all three channels, for 3-channel models).
    public var channels: Int = 1

    public init() {}
}

/// What preprocessing wrote.
public struct PreprocessResult: Sendable {
    public var trainImages: String
    public var trainLabels: String
    public var validationImages: String
    public var validationLabels: String
    public var summary: String
    public var trainCount: Int
    public var validationCount: Int
    public var mean: Float
    public var std: Float
}

/// Digits CSV → normalised NHWC tensors, split deterministically into training and validation sets.
public enum Preprocess {
    /// Reads rows of 64 pixel values (0…16) and a label (0…9); a bad row is an error naming its line.
    public static func readDigits(_ path: String) throws(KernelsError) -> (pixels: [[Float]], labels: [Int32]) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .file(path: path, problem: "cannot read: \(error.localizedDescription)")
        }
        var pixels: [[Float]] = []
        var labels: [Int32] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 65 else {
                throw .data(
                    path: path, line: lineNumber,
                    problem: "expected 65 comma-separated values (64 pixels and a label), found \(fields.count)")
            }
            var row = [Float](repeating: 0, count: 64)
            for i in 0..<64 {
                guard let v = Float(fields[i].trimmingCharacters(in: .whitespaces)), v >= 0, v <= 16 else {
                    throw .data(
                        path: path, line: lineNumber,
                        problem: "pixel \(i + 1) is '\(fields[i])', expected a number from 0 to 16")
                }
                row[i] = v
            }
            guard let label = Int32(fields[64].trimmingCharacters(in: .whitespaces)), (0...9).contains(label) else {
                throw .data(path: path, line: lineNumber, problem: "the label is '\(fields[64])', expected 0 to 9")
            }
            pixels.append(row)
            labels.append(label)
        }
        guard !pixels.isEmpty else { throw .file(path: path, problem: "no samples") }
        return (pixels, labels)
    }

    public static func run(csv: String, outputDirectory: String, options: PreprocessOptions) throws(KernelsError)
        -> PreprocessResult
    {
        guard [8, 32].contains(options.size) else { throw .setting("size must be 8 or 32, found \(options.size)") }
        guard [1, 3].contains(options.channels) else {
            throw .setting("channels must be 1 or 3, found \(options.channels)")
        }
        guard options.validationFraction > 0 && options.validationFraction < 1 else {
            throw .setting("the validation fraction must be between 0 and 1, found \(options.validationFraction)")
        }
        let (pixels, labels) = try readDigits(csv)
        var order = Array(0..<pixels.count)
        var rng = SeededRandom(seed: options.seed)
        rng.shuffle(&order)
        let validationCount = max(1, Int((Double(pixels.count) * options.validationFraction).rounded()))
        let train = Array(order.dropLast(validationCount))
        let validation = Array(order.suffix(validationCount))
        // Normalise with the training set's statistics only (the validation set must not leak into them).
        var sum = 0.0
        var sumSquares = 0.0
        for i in train {
            for v in pixels[i] {
                sum += Double(v) / 16
                sumSquares += Double(v / 16) * Double(v / 16)
            }
        }
        let n = Double(train.count * 64)
        let mean = Float(sum / n)
        let std = Float((sumSquares / n - (sum / n) * (sum / n)).squareRoot())
        let size = options.size
        let channels = options.channels
        func images(_ indices: [Int]) -> [Float] {
            var out = [Float]()
            out.reserveCapacity(indices.count * size * size * channels)
            for i in indices {
                let normalised = pixels[i].map { ($0 / 16 - mean) / std }
                let image = size == 8 ? normalised : resize(normalised, from: 8, to: size)
                for v in image { for _ in 0..<channels { out.append(v) } }
            }
            return out
        }
        do { try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true) } catch
        {
            throw .file(path: outputDirectory, problem: "cannot create: \(error.localizedDescription)")
        }
        let shape = [size, size, channels]
        let result = PreprocessResult(
            trainImages: outputDirectory + "/train-images.rpt", trainLabels: outputDirectory + "/train-labels.rpt",
            validationImages: outputDirectory + "/val-images.rpt",
            validationLabels: outputDirectory + "/val-labels.rpt",
            summary: outputDirectory + "/preprocess.json", trainCount: train.count, validationCount: validation.count,
            mean: mean, std: std)
        try TensorFile.write(images(train), shape: [train.count] + shape, to: result.trainImages)
        try TensorFile.write(train.map { labels[$0] }, shape: [train.count], to: result.trainLabels)
        try TensorFile.write(images(validation), shape: [validation.count] + shape, to: result.validationImages)
        try TensorFile.write(validation.map { labels[$0] }, shape: [validation.count], to: result.validationLabels)
        let summary: [String: Any] = [
            // The file's name only: an entry's content must not depend on where the cache is.
            "source": (csv as NSString).lastPathComponent, "samples": pixels.count, "train": train.count,
            "validation": validation.count,
            "seed": options.seed, "validation_fraction": options.validationFraction, "image_shape": shape,
            "layout": "NHWC", "normalisation": ["scale": 1.0 / 16, "mean": Double(mean), "std": Double(std)],
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: result.summary))
        } catch {
            throw .file(path: result.summary, problem: "cannot write: \(error.localizedDescription)")
        }
        return result
    }

    /// Bilinear resize of a square single-channel image (pixel centres aligned, edges clamped).
    static func resize(_ image: [Float], from: Int, to: Int) -> [Float] {
        var out = [Float](repeating: 0, count: to * to)
        let scale = Float(from) / Float(to)
        for y in 0..<to {
            let sy = max(0, min(Float(from - 1), (Float(y) + 0.5) * scale - 0.5))
            let y0 = Int(sy)
            let y1 = min(y0 + 1, from - 1)
            let fy = sy - Float(y0)
            for x in 0..<to {
                let sx = max(0, min(Float(from - 1), (Float(x) + 0.5) * scale - 0.5))
                let x0 = Int(sx)
                let x1 = min(x0 + 1, from - 1)
                let fx = sx - Float(x0)
                let top = image[y0 * from + x0] * (1 - fx) + image[y0 * from + x1] * fx
                let bottom = image[y1 * from + x0] * (1 - fx) + image[y1 * from + x1] * fx
                out[y * to + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }
}
