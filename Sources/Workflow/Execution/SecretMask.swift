import Recipes

/// Secrets (`host.secret.NAME`) reach a step's environment and nowhere else; what the step itself writes to its
/// logs or reports as outputs is masked, as CI systems do: every occurrence of a secret's value becomes `***`.
///
/// The logs are masked when the step has ended, before anything reads them (their tail for a failure, the copy
/// kept with the entry): while the step runs, its log file may hold what it printed. Files the step writes to
/// its `out/` are its results and are not changed.
public struct SecretMask: Sendable {
    /// The values, longest first (a secret that contains another is masked whole).
    let values: [String]

    public init(_ secrets: [String: String]) {
        values = Set(secrets.values.filter { !$0.isEmpty }).sorted { $0.count > $1.count }
    }

    public var isEmpty: Bool { values.isEmpty }

    public func mask(_ text: String) -> String {
        var out = text
        for v in values where out.contains(v) { out = out.replacing(v, with: "***") }
        return out
    }

    public func mask(_ value: Value) -> Value {
        switch value {
        case .string(let s): .string(mask(s))
        case .list(let items): .list(items.map(mask))
        case .map(let m): .map(m.mapValues(mask))
        default: value
        }
    }

    /// Rewrites a file with every secret masked, if it holds one.
    public func mask(file path: String) {
        guard !isEmpty, let bytes = try? FileSystemPath.readBytes(path) else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let masked = mask(text)
        if masked != text { try? FileOps.writeAtomically(masked, to: path) }
    }
}

extension Plan {
    /// The names its recipes read as `PREFIX.NAME` (`host.secret`, `host.env`), from their text.
    public func namesRead(as prefix: String) -> Set<String> {
        var names: Set<String> = []
        let marker = prefix + "."
        for recipe in recipes {
            var rest = recipe.source.text[...]
            while let range = rest.firstRange(of: marker) {
                let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if !name.isEmpty { names.insert(String(name)) }
                rest = rest[range.upperBound...]
            }
        }
        return names
    }
}
