import Crypto
import Yams

/// Turns the text of a recipe file into a `Recipe`, rejecting unknown fields, wrong types and bad expressions
/// with the file, line and column of the offending text.
public enum RecipeDecoder {
    static let topLevelFields = [
        "name", "summary", "doc", "tags", "inputs", "variations", "needs", "run", "container", "outputs", "metrics",
        "env", "cache", "if", "resources", "timeout", "retries", "repeat", "runner", "assets",
    ]

    /// Decodes one recipe. `file` is its absolute path; `expectedName` is what the file or folder is called.
    ///
    /// Every problem found is reported at once (`RecipeError.several` when there are more than one). A `NAME.yaml`
    /// file without a top-level `summary:` is not a recipe (`RecipeError.notARecipe`): a search folder may hold
    /// other YAML. A folder's `recipe.yaml` is a recipe by its name, so it must have a summary.
    public static func decode(text: String, file: String, directory: String, isFolder: Bool, expectedName: String)
        throws(RecipeError) -> Recipe
    {
        let reader = YAMLReader(file: DisplayPath.of(file))
        let root: Node
        do { root = try parse(text, reader: reader) } catch {
            if !isFolder && !text.split(separator: "\n").contains(where: { $0.hasPrefix("summary:") }) {
                throw .notARecipe(
                    file: reader.file, reason: "it is not YAML repro can read, and has no 'summary:' line")
            }
            throw error
        }
        let hasSummary: Bool
        if case .mapping(let m) = root {
            hasSummary = m.keys.contains { $0.string == "summary" }
        } else {
            hasSummary = false
        }
        if !hasSummary {
            guard isFolder else { throw .notARecipe(file: reader.file, reason: "it has no top-level 'summary:'") }
            if case .mapping = root {
                reader.problems.list.append(
                    .missingField(
                        at: SourceLocation(file: reader.file, line: 1, column: 1), field: "summary", context: "recipe"))
            }
        }
        let fields = try reader.mapping(root, "recipe", known: topLevelFields)
        var recipe = Recipe(
            name: expectedName, summary: "", tags: [], inputs: [], variations: [], needs: [], run: nil, container: nil,
            outputs: [],
            metrics: [], env: [], cache: nil, condition: nil, resources: Resources(), timeout: nil, retries: 0,
            runner: nil,
            source: RecipeSource(
                file: file, directory: directory, isFolder: isFolder, text: text,
                digest: SHA256.hex(of: Array(text.utf8))))
        for (key, keyNode, node) in fields {
            reader.attempt { () throws(RecipeError) in
                switch key {
                case "name":
                    let name = try reader.string(node, "'name'")
                    guard name == expectedName else {
                        throw .nameMismatch(at: reader.location(node), name: name, fileName: expectedName)
                    }
                    _ = keyNode
                case "summary": recipe.summary = try reader.string(node, "'summary'")
                case "doc": _ = try reader.string(node, "'doc'")
                case "tags": recipe.tags = try reader.stringList(node, "'tags'")
                case "inputs": recipe.inputs = try decodeInputs(node, reader, recipe: expectedName)
                case "variations": recipe.variations = try decodeVariations(node, reader)
                case "needs": recipe.needs = try decodeNeeds(node, reader, context: "'needs'")
                case "run": recipe.run = try decodeRun(node, reader)
                case "container": recipe.container = try decodeContainer(node, reader)
                case "outputs":
                    for entry in try reader.mapping(node, "'outputs'") {
                        reader.attempt { () throws(RecipeError) in
                            let name = try reader.identifier(entry.key, entry.keyNode, "output")
                            recipe.outputs.append(
                                OutputSpec(
                                    name: name, value: try reader.templateValue(entry.value),
                                    location: reader.location(entry.keyNode)))
                        }
                    }
                case "metrics": recipe.metrics = try decodeMetrics(node, reader)
                case "env": recipe.env = try decodeEnv(node, reader, context: "'env'")
                case "cache": recipe.cache = try decodeCache(node, reader)
                case "if": recipe.condition = try reader.template(node, "'if'")
                case "resources": recipe.resources = try decodeResources(node, reader, base: Resources())
                case "timeout": recipe.timeout = try reader.duration(node, "'timeout'")
                case "retries": recipe.retries = try reader.int(node, "'retries'", atLeast: 0)
                case "repeat":
                    recipe.repeatCount = try reader.int(node, "'repeat'", atLeast: 1)
                    recipe.repeatLocation = reader.location(node)
                case "runner": recipe.runner = try decodeRunner(node, reader)
                case "assets": recipe.assets = try decodeAssets(node, reader)
                default: break
                }
            }
        }
        validate(recipe, reader: reader, root: root)
        switch reader.problems.list.count {
        case 0: return recipe
        case 1: throw reader.problems.list[0]
        default: throw .several(reader.problems.list)
        }
    }

    static func parse(_ text: String, reader: YAMLReader) throws(RecipeError) -> Node {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, reader: reader)
        } catch {
            throw .malformedYAML(at: SourceLocation(file: reader.file, line: 1, column: 1), problem: "\(error)")
        }
        guard let node else {
            throw .malformedYAML(
                at: SourceLocation(file: reader.file, line: 1, column: 1), problem: "the file is empty")
        }
        return node
    }

    static func yamlError(_ error: YamlError, reader: YAMLReader) -> RecipeError {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(file: reader.file, line: mark.line, column: mark.column)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line), column \($0.mark.column))" }
            return .malformedYAML(at: at(mark), problem: detail ?? problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let first = at(context.mark)
            let again = duplicates.first.flatMap { secondOccurrence(of: $0, after: context.mark, in: context.text) }
            let name = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            guard let again else { return .malformedYAML(at: first, problem: "duplicate key \(name)") }
            return .malformedYAML(
                at: SourceLocation(file: reader.file, line: again.line, column: again.column),
                problem: "duplicate key \(name) (first given at line \(first.line))")
        case .reader(let problem, _, _, _):
            return .malformedYAML(at: SourceLocation(file: reader.file, line: 1, column: 1), problem: problem)
        default:
            return .malformedYAML(at: SourceLocation(file: reader.file, line: 1, column: 1), problem: "\(error)")
        }
    }

    /// Where a duplicated key is given again: Yams names only the first one, so the text after it is searched
    /// for the same key at the same column (block style), or later on the same line (flow style).
    static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        func isKey(_ line: Substring, at column: Int) -> Bool {
            let chars = Array(line)
            guard column >= 1, column - 1 + key.count <= chars.count,
                String(chars[(column - 1)..<(column - 1 + key.count)]) == key
            else { return false }
            let rest = chars[(column - 1 + key.count)...].drop { $0 == " " }
            return rest.first == ":"
        }
        // Flow style: `{a: 1, a: 2}` on one line.
        let firstLine = Array(lines[mark.line - 1])
        var column = mark.column + key.count
        while column + key.count <= firstLine.count {
            if firstLine[column - 1] != " " && firstLine[column - 2] != "{" && firstLine[column - 2] != " " {
                column += 1
                continue
            }
            if isKey(lines[mark.line - 1], at: column) { return (mark.line, column) }
            column += 1
        }
        for number in (mark.line + 1)...max(mark.line + 1, lines.count) where number <= lines.count {
            let line = lines[number - 1]
            let indent = line.prefix { $0 == " " }.count
            // A line less indented than the mapping ends it.
            if !line.trimmingCharacters(in: " ").isEmpty && indent < mark.column - 1 { break }
            if isKey(line, at: mark.column) { return (number, mark.column) }
        }
        return nil
    }

    static func decodeCache(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> CachePolicy {
        if case .scalar(let s) = node, tagName(s) == .bool {
            return s.string.lowercased() == "true" ? .reuse : .volatile
        }
        let text = try reader.string(node, "'cache'")
        guard let policy = CachePolicy(rawValue: text) else {
            throw .invalidValue(
                at: reader.location(node), what: "'cache'",
                problem: "expected true, false, reuse, volatile or measured, found '\(text)'"
                    + Suggestions.hint(for: text, in: CachePolicy.allCases.map(\.rawValue)))
        }
        return policy
    }

    static func decodeRunner(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> RunnerKind {
        let text = try reader.string(node, "'runner'")
        guard let runner = RunnerKind(rawValue: text) else {
            let names = RunnerKind.allCases.map(\.rawValue)
            throw .invalidValue(
                at: reader.location(node), what: "'runner'",
                problem: "expected \(names.joined(separator: " or ")), found '\(text)'"
                    + Suggestions.hint(for: text, in: names))
        }
        return runner
    }

    static func decodeRun(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> RunSpec {
        if case .scalar = node {
            return .shell(try reader.template(node, "'run'"), location: reader.location(node))
        }
        let fields = try reader.mapping(node, "'run'", known: ["action", "with", "shell"])
        let keys = Set(fields.map(\.key))
        if keys.contains("shell") {
            if keys.contains("action") || keys.contains("with") {
                throw .invalidValue(
                    at: reader.location(node), what: "'run'",
                    problem: "give either 'shell' or 'action' (with 'with'), not both")
            }
            let shellNode = fields.first { $0.key == "shell" }!.value
            return .shell(try reader.template(shellNode, "'run.shell'"), location: reader.location(shellNode))
        }
        guard let actionNode = fields.first(where: { $0.key == "action" })?.value else {
            throw .missingField(at: reader.location(node), field: "action' or 'shell", context: "'run'")
        }
        var with: [String: TemplateValue] = [:]
        if let withNode = fields.first(where: { $0.key == "with" })?.value, !reader.isNull(withNode) {
            for entry in try reader.mapping(withNode, "'run.with'") {
                with[entry.key] = try reader.templateValue(entry.value)
            }
        }
        return .action(
            name: try reader.string(actionNode, "'run.action'"), with: with,
            location: reader.location(actionNode))
    }

    static func decodeEnv(_ node: Node, _ reader: YAMLReader, context: String) throws(RecipeError) -> [EnvSpec] {
        var out: [EnvSpec] = []
        for entry in try reader.mapping(node, context) {
            guard entry.key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                !(entry.key.first?.isNumber ?? true)
            else {
                throw .invalidValue(
                    at: reader.location(entry.keyNode), what: "environment variable '\(entry.key)'",
                    problem: "use letters, digits and '_', not starting with a digit")
            }
            out.append(
                EnvSpec(
                    name: entry.key, value: try reader.templateValue(entry.value),
                    location: reader.location(entry.keyNode)))
        }
        return out
    }

    static func decodeResources(_ node: Node, _ reader: YAMLReader, base: Resources) throws(RecipeError) -> Resources {
        var r = base
        let known = ["cpus", "exclusive", "memory", "time", "partition", "gres", "account", "slurm"]
        for (key, _, value) in try reader.mapping(node, "'resources'", known: known) {
            switch key {
            case "cpus": r.cpus = try reader.int(value, "'resources.cpus'", atLeast: 1)
            case "exclusive": r.exclusive = try reader.bool(value, "'resources.exclusive'")
            case "memory": r.memory = try reader.string(value, "'resources.memory'")
            case "time": r.time = try reader.string(value, "'resources.time'")
            case "partition": r.partition = try reader.string(value, "'resources.partition'")
            case "gres": r.gres = try reader.string(value, "'resources.gres'")
            case "account": r.account = try reader.string(value, "'resources.account'")
            case "slurm": r.slurmOptions = try reader.stringList(value, "'resources.slurm'")
            default: break
            }
        }
        return r
    }

    static func decodeMetrics(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> [MetricSpec] {
        var out: [MetricSpec] = []
        for entry in try reader.mapping(node, "'metrics'") {
            reader.attempt { () throws(RecipeError) in
                let name = try reader.identifier(entry.key, entry.keyNode, "metric")
                var metric = MetricSpec(
                    name: name, value: .value(.null), unit: nil, better: .equal, tolerance: 0,
                    location: reader.location(entry.keyNode))
                if case .mapping = entry.value {
                    var sawValue = false
                    for (key, _, v) in try reader.mapping(
                        entry.value, "metric '\(name)'",
                        known: ["value", "unit", "better", "tolerance"])
                    {
                        switch key {
                        case "value":
                            metric.value = try reader.templateValue(v)
                            sawValue = true
                        case "unit": metric.unit = try reader.string(v, "'unit' of metric '\(name)'")
                        case "better":
                            let text = try reader.string(v, "'better' of metric '\(name)'")
                            guard let d = MetricSpec.Direction(rawValue: text) else {
                                throw .invalidValue(
                                    at: reader.location(v), what: "'better' of metric '\(name)'",
                                    problem: "expected higher, lower or equal, found '\(text)'")
                            }
                            metric.better = d
                        case "tolerance": metric.tolerance = try decodeTolerance(v, reader, name)
                        default: break
                        }
                    }
                    if !sawValue {
                        throw .missingField(
                            at: reader.location(entry.value), field: "value", context: "metric '\(name)'")
                    }
                } else {
                    metric.value = try reader.templateValue(entry.value)
                }
                out.append(metric)
            }
        }
        return out
    }

    /// `0.1` or `10%`.
    static func decodeTolerance(_ node: Node, _ reader: YAMLReader, _ name: String) throws(RecipeError) -> Double {
        if case .scalar(let s) = node, tagName(s) == .str, s.string.hasSuffix("%"),
            let p = Double(s.string.dropLast().trimmingCharacters(in: " "))
        {
            guard p >= 0 else {
                throw .invalidValue(
                    at: reader.location(node), what: "'tolerance' of metric '\(name)'",
                    problem: "must not be negative, found \(s.string)")
            }
            return p / 100
        }
        let d = try reader.number(node, "'tolerance' of metric '\(name)'")
        guard d >= 0 else {
            throw .invalidValue(
                at: reader.location(node), what: "'tolerance' of metric '\(name)'",
                problem: "must not be negative")
        }
        return d
    }
}

extension Substring {
    /// The text without leading and trailing characters from `set`.
    public func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension String {
    /// The text without leading and trailing characters from `set`.
    public func trimmingCharacters(in set: String) -> String { Substring(self).trimmingCharacters(in: set) }
}

extension SHA256 {
    /// Lower-case hex SHA-256 of bytes.
    public static func hex(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexString
    }
}

extension Digest {
    public var hexString: String {
        // Straight from the digest's bytes into the string's storage: every node's key is one of these.
        withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { out in
                let table: StaticString = "0123456789abcdef"
                for (i, byte) in raw.enumerated() {
                    out[2 * i] = table.utf8Start[Int(byte >> 4)]
                    out[2 * i + 1] = table.utf8Start[Int(byte & 0x0F)]
                }
                return raw.count * 2
            }
        }
    }
}
