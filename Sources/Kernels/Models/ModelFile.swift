import Foundation

/// The weights file of a model.
///
/// Layout, little-endian: the 8 bytes `REPROWTS`; u32 version (1); u32 length L of a JSON header; the header
/// (UTF-8): `{"architecture", "input_shape" [H, W, C], "classes", "seed", "tensors": [{"name", "shape",
/// "offset"}]}` with offsets in floats from the start of the data; zero padding to a multiple of 64 bytes; then
/// every tensor as float32, row-major (weights HWIO / [in, out], batch-norm running statistics included). The
/// SHA-256 of the whole file is what a `model` step outputs and what dependants are keyed by.
public enum ModelFile {
    static let magic = Array("REPROWTS".utf8)

    public static func save(_ network: Network, seed: UInt64, to path: String) throws(KernelsError) {
        var tensors: [[String: Any]] = []
        var offset = 0
        for (name, t) in network.namedTensors {
            tensors.append(["name": name, "shape": t.shape, "offset": offset])
            offset += t.count
        }
        let header: [String: Any] = [
            "architecture": network.architecture.rawValue, "input_shape": network.inputShape,
            "classes": network.classes, "seed": seed, "tensors": tensors,
        ]
        let json: Data
        do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
            throw .setting("cannot encode the model header: \(error)")
        }
        var data = Data(magic)
        withUnsafeBytes(of: UInt32(1).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(count: (64 - data.count % 64) % 64))
        for (_, t) in network.namedTensors { data.append(Data(bytes: t.data, count: t.count * 4)) }
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .file(path: path, problem: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads a weights file into a new network; any inconsistency is an error naming the file.
    public static func load(_ path: String) throws(KernelsError) -> Network {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .file(path: path, problem: "cannot read: \(error.localizedDescription)")
        }
        func fail(_ problem: String) -> KernelsError { .file(path: path, problem: problem) }
        guard data.count >= 16, Array(data.prefix(8)) == magic else {
            throw fail("not a repro weights file (bad magic)")
        }
        let version = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }
        guard UInt32(littleEndian: version) == 1 else {
            throw fail("weights format version \(version) is not supported (this repro reads 1)")
        }
        let length = Int(
            UInt32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self) }))
        guard 16 + length <= data.count else { throw fail("truncated: the header announces \(length) bytes") }
        guard
            let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 16..<16 + length)) as? [String: Any],
            let archName = header["architecture"] as? String, let architecture = Architecture(rawValue: archName),
            let inputShape = header["input_shape"] as? [Int], inputShape.count == 3,
            let classes = header["classes"] as? Int, let tensors = header["tensors"] as? [[String: Any]]
        else { throw fail("corrupt header") }
        let network = Network(architecture, inputShape: inputShape, classes: classes, seed: 0)
        let dataStart = (16 + length + 63) / 64 * 64
        let expected = network.namedTensors
        guard tensors.count == expected.count else {
            throw fail("has \(tensors.count) tensors, a \(archName) for input \(inputShape) has \(expected.count)")
        }
        var floatCount = 0
        for ((name, t), entry) in zip(expected, tensors) {
            guard entry["name"] as? String == name, entry["shape"] as? [Int] == t.shape,
                let offset = entry["offset"] as? Int
            else {
                throw fail(
                    "tensor '\(entry["name"] as? String ?? "?")' does not match the architecture (expected '\(name)' \(t.shape))"
                )
            }
            let start = dataStart + offset * 4
            let end = start + t.count * 4
            guard start >= dataStart, end <= data.count else {
                throw fail("truncated: tensor '\(name)' ends past the end of the file")
            }
            data.withUnsafeBytes { raw in
                (raw.baseAddress! + start).withMemoryRebound(to: Float.self, capacity: t.count) {
                    t.data.update(from: $0, count: t.count)
                }
            }
            floatCount += t.count
        }
        guard data.count == dataStart + floatCount * 4 else {
            throw fail(
                data.count < dataStart + floatCount * 4
                    ? "truncated" : "\(data.count - dataStart - floatCount * 4) bytes after the last tensor")
        }
        return network
    }
}
