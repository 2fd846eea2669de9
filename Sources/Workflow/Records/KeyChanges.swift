import Recipes

/// What changed between two keys of a node, in words: the fields of two `key.json` files compared, each difference
/// said as a user would ask about it ("the recipe file was edited", "the implementation of action 'train' changed").
public enum KeyChanges {
    /// One line per change; the action's source paths that changed are gathered into one line.
    public static func explain(old: Value, new: Value) -> [String] {
        let action = new["run"]?["action"]?.stringValue ?? old["run"]?["action"]?.stringValue ?? "?"
        var lines: [String] = []
        var sources: [String] = []
        for change in ValueDiff.changes(old, new) {
            let path = change.path
            if path.hasPrefix("run.implementation.") {
                sources.append(String(path.dropFirst("run.implementation.".count)))
                continue
            }
            switch path {
            case "run.implementation": sources.append("its source list")
            case "recipe_sha256": lines.append("the recipe file was edited (\(change))")
            case "assets_sha256": lines.append("a file beside the recipe changed (\(change))")
            case "image_digest": lines.append("the container image changed: \(values(change))")
            case let p where p.hasPrefix("container."):
                lines.append("'\(p)' of the recipe changed: \(values(change))")
            case "run.version": lines.append("the version of action '\(action)' changed: \(values(change))")
            case "run.action": lines.append("the step runs another action: \(values(change))")
            case "run.shell": lines.append("the shell command changed: \(values(change))")
            case "policy": lines.append("the cache policy changed: \(values(change))")
            case "format": lines.append("repro's key format changed: \(values(change))")
            case let p where p.hasPrefix("needs."):
                lines.append("dependency '\(p.dropFirst(6))' has another result: \(values(change))")
            case let p where p.hasPrefix("inputs."):
                lines.append("input '\(p.dropFirst(7))': \(values(change))")
            case let p where p.hasPrefix("env."):
                lines.append("environment variable '\(p.dropFirst(4))': \(values(change))")
            case let p where p.hasPrefix("run.with."):
                lines.append("parameter '\(p.dropFirst(9))' of action '\(action)': \(values(change))")
            default: lines.append(change.description)
            }
        }
        if !sources.isEmpty {
            lines.insert(
                "the implementation of action '\(action)' changed (\(sources.joined(separator: ", ")))", at: 0)
        }
        return lines
    }

    static func values(_ change: ValueDiff.Change) -> String {
        "\(change.old.map(ValueDiff.short) ?? "(absent)") -> \(change.new.map(ValueDiff.short) ?? "(absent)")"
    }
}
