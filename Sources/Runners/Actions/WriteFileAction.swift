import Recipes
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `write-file`: writes text (a config such as `user.conf`, made from inputs) to a file in the output folder.
public struct WriteFileAction: Action {
    public let name = "write-file"
    public let outputs: [String]? = ["path"]
    public let version = "1"
    public var implementation: [String] { ["Sources/Runners/Actions/WriteFileAction.swift"] }
    public let summary = "write text to a file in the node's output folder"
    public let parameters = [
        ActionParameter("path", .string, required: true, doc: "file name, relative to the output folder"),
        ActionParameter("text", .string, required: true, doc: "the content; a newline is added if missing"),
        ActionParameter("mode", .string, doc: "octal file mode, e.g. '755' for a script (default 644)"),
    ]

    public init() {}

    public func run(_ context: ActionContext) throws -> [String: Value] {
        let relative = try context.string("path")
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else {
            throw ActionError.badParameter(
                name: "path", problem: "must stay inside the output folder, found '\(relative)'")
        }
        var text = context.with["text"]?.interpolated ?? ""
        if !text.hasSuffix("\n") { text += "\n" }
        let path = context.outDir + "/" + relative
        try FileOps.makeDirectories(FileSystemPath.parent(path))
        try FileOps.write(text, to: path)
        if let mode = try context.optionalString("mode") {
            guard let bits = UInt32(mode, radix: 8), bits <= 0o777 else {
                throw ActionError.badParameter(
                    name: "mode", problem: "expected an octal mode such as 644, found '\(mode)'")
            }
            chmod(path, mode_t(bits))
        }
        return ["path": .string(path)]
    }
}
