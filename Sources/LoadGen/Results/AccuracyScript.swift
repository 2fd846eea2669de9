import Foundation

/// The accuracy script of an image-classification benchmark, as the MLPerf reference (`accuracy-imagenet.py`) does
/// it: each logged answer's first 4 bytes are the predicted class (int32, little-endian); a sample counts once even
/// if logged twice; the line written to `accuracy.txt` is `accuracy=XX.XXX%, good=N, total=M`.
public enum AccuracyScript {
    public struct Result: Sendable, Equatable {
        public let good: Int
        public let total: Int
        public var accuracy: Double { total == 0 ? 0 : Double(good) / Double(total) }
        public var line: String { String(format: "accuracy=%.3f%%, good=%d, total=%d", accuracy * 100, good, total) }
    }

    /// `labels[qsl_idx]` is the true class; nil when the data set has no labels (every answer counts as wrong).
    public static func evaluate(accuracyLog path: String, labels: [Int32]?) throws(LoadGenError) -> Result {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .io("cannot read \(path): \(error.localizedDescription)")
        }
        guard let entries = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw .io("\(path): not an accuracy log (expected a JSON list of {seq_id, qsl_idx, data})")
        }
        var seen = Set<Int>()
        var good = 0
        for (i, e) in entries.enumerated() {
            guard let index = (e["qsl_idx"] as? NSNumber)?.intValue, let hex = e["data"] as? String else {
                throw .io("\(path): entry \(i + 1) has no qsl_idx or data")
            }
            guard seen.insert(index).inserted else { continue }
            guard let labels else { continue }
            guard index >= 0, index < labels.count else {
                throw .io("\(path): entry \(i + 1) has qsl_idx \(index), but there are \(labels.count) labels")
            }
            guard let bytes = ExternalSUT.bytes(hex: Substring(hex)), bytes.count >= 4 else { continue }
            let predicted = Int32(
                bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
            if predicted == labels[index] { good += 1 }
        }
        return Result(good: good, total: seen.count)
    }
}
