import Crypto
import Foundation

/// The model a reproduction runs, and how it stands to the published weights.
public struct ModelChoice: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Fetched by `resnet50-onnx-model` with this variation (`opset8`, `opset11`).
        case fetched(variation: String)
        /// A file the user gave (`model=`).
        case file(String)
        /// Nothing repro can fetch: the user must give a model.
        case missing
    }

    /// How the weights that run stand to the published ones.
    public enum Weights: String, Sendable, Equatable {
        /// The same file (by its published address, or by content).
        case same
        /// The same weights in another file (MLPerf's ONNX model is the conversion of its TensorFlow model).
        case converted
        /// Other weights, or weights repro cannot tell.
        case other
    }

    public var source: Source
    public var weights: Weights
    /// The published `starting_weights_filename`.
    public var published: String
    /// Why, in words.
    public var note: String

    /// MLPerf's ResNet-50 files a recipe fetches: the variation of `resnet50-onnx-model`, its Zenodo record and
    /// MLCommons' MD5 (the recipe's; a test checks they agree).
    static let fetchable: [(variation: String, record: String, md5: String)] = [
        ("opset8", "2592612", "a638cf028b5870da29e09ccc2f7182e7"),
        ("opset11", "4735647", "f6a4da60cd5f084d97efc2c1ddb10beb"),
    ]

    /// The model of a published result (`starting_weights_filename`), or the user's file.
    public static func resolve(published: String, dataTypes: String, userFile: String?) -> ModelChoice {
        let wanted = publishedVariation(published)
        if let file = userFile {
            let md5 = (try? md5Digest(file)) ?? ""
            guard let match = fetchable.first(where: { $0.md5 == md5 }) else {
                return ModelChoice(
                    source: .file(file), weights: .other, published: published,
                    note: "the given file (not one of MLPerf's ResNet-50 files by its MD5)")
            }
            let same = wanted?.variation == match.variation && wanted?.weights == .same
            return ModelChoice(
                source: .file(file), weights: same ? .same : (wanted == nil ? .other : .converted),
                published: published,
                note: "the given file is MLPerf's resnet50_v1.onnx of Zenodo record \(match.record) (MD5 \(match.md5))")
        }
        guard let wanted else {
            return ModelChoice(
                source: .missing, weights: .other, published: published,
                note: "no recipe fetches these weights as an ONNX file repro runs: give model=FILE.onnx")
        }
        let quantized = !["", "fp32"].contains(dataTypes.lowercased())
        return ModelChoice(
            source: .fetched(variation: wanted.variation), weights: quantized ? .converted : wanted.weights,
            published: published,
            note: wanted.note + (quantized ? "; the published run used \(dataTypes) weights made from them" : ""))
    }

    /// The fetch recipe's variation for a published address, and how its file stands to it.
    static func publishedVariation(_ url: String) -> (variation: String, weights: Weights, note: String)? {
        let u = url.lowercased()
        if u.contains("2592612") && u.hasSuffix("resnet50_v1.onnx") {
            return ("opset8", .same, "MLPerf's resnet50_v1.onnx (Zenodo record 2592612, opset 8): the published file")
        }
        if u.contains("4735647") && u.hasSuffix("resnet50_v1.onnx") {
            return ("opset11", .same, "MLPerf's resnet50_v1.onnx (Zenodo record 4735647, opset 11): the published file")
        }
        if u.contains("resnet50_v1_op11/resnet50_v1.onnx") {
            return (
                "opset11", .same,
                "MLPerf's resnet50_v1.onnx of opset 11 (Zenodo record 4735647), which the published address mirrors "
                    + "by its name (MLCFlow's mirror)"
            )
        }
        if u.contains("2535873") || u.hasSuffix("resnet50_v1.pb") {
            return (
                "opset8", .converted,
                "MLPerf's resnet50_v1.onnx (Zenodo record 2592612), the ONNX conversion of the published TensorFlow "
                    + "file resnet50_v1.pb: the same weights in another file"
            )
        }
        return nil
    }

    static func md5Digest(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var hasher = Insecure.MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
