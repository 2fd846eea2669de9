import Crypto
import Recipes

/// Everything that enters a node's key except its dependencies' keys, as sorted JSON fields.
///
/// The key is SHA-256 over the canonical JSON of these fields and of `needs` (each need's dependency entry
/// keys). Nothing else reaches a step, so a hit is honest; and nothing here depends on where files are, so a
/// key is the same in every clone and on every machine of a cluster. `key.json` beside each entry holds this
/// JSON, so "why did this re-run?" is a diff (`repro why`).
public struct KeyMaterial: Sendable {
    /// Bump when the key encoding changes: every key changes with it.
    public static let formatVersion = 1

    public let fields: [String: Value]
    /// `fields` as canonical JSON, encoded once at plan time.
    public let fieldsJSON: [UInt8]

    public init(fields: [String: Value]) {
        self.fields = fields
        self.fieldsJSON = Value.map(fields).canonicalJSONBytes
    }

    /// The full key components for these dependency entry keys (and a container step's image digest).
    public func components(dependencies: [String: [String]], imageDigest: String? = nil) -> Value {
        var all = fields
        all["needs"] = .map(dependencies.mapValues { .list($0.map { .string($0) }) })
        if let imageDigest { all["image_digest"] = .string(imageDigest) }
        return .map(all)
    }

    /// The key (hex SHA-256) for these dependency entry keys: the hash of the static fields and the needs,
    /// each as canonical JSON, and for a container step its image's digest (known only when the key is computed).
    public func key(dependencies: [String: [String]], imageDigest: String? = nil) -> String {
        let needs = Value.map(dependencies.mapValues { .list($0.map { .string($0) }) }).canonicalJSONBytes
        let image = imageDigest.map { Array("\nimage \($0)".utf8) } ?? []
        return Digests.bytes(Array("repro-key\n".utf8) + fieldsJSON + [10] + needs + image)
    }
}
