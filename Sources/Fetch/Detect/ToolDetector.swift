import Basics
import Foundation

/// A program or library found on this machine.
public struct DetectedTool: Sendable {
    public var name: String
    /// The program's path, or the library's `libdir`.
    public var path: String
    public var version: String
}

/// Finds programs (on PATH or in given folders) and libraries (through pkg-config), reads their versions and
/// checks them against a constraint.
public enum ToolDetector {
    /// Finds `name`, runs it with `versionArguments`, and reads the first version-looking word of its output.
    public static func program(
        _ name: String, places: [String], versionArguments: [String] = ["--version"],
        constraint: String? = nil, environment: [String: String]
    ) throws(FetchError) -> DetectedTool {
        let parsed = try constraint.map { c throws(FetchError) in try VersionConstraint(c) }
        let candidates: [String] = name.contains("/") ? [name] : places.map { $0 + "/" + name }
        var found: [(String, String)] = []
        for path in candidates where FileTools.isExecutable(path) {
            let output = run([path] + versionArguments, environment: environment)
            let version = firstVersion(in: output) ?? "unknown"
            if parsed?.isSatisfied(by: version) ?? true {
                return DetectedTool(name: name, path: path, version: version)
            }
            found.append((path, version))
        }
        if let (path, version) = found.first, let parsed {
            var message = "\(version)"
            if found.count > 1 {
                message += " (also: " + found.dropFirst().map { "\($0.1) at \($0.0)" }.joined(separator: ", ") + ")"
            }
            throw .versionMismatch(tool: name, path: path, found: message, required: parsed.description)
        }
        throw .notFound(what: "program '\(name)'", searched: name.contains("/") ? [name] : places)
    }

    /// Finds a library with `pkg-config`; its path is the library folder.
    public static func library(_ name: String, constraint: String? = nil, environment: [String: String])
        throws(FetchError) -> DetectedTool
    {
        let parsed = try constraint.map { c throws(FetchError) in try VersionConstraint(c) }
        let probe = Command.run(["pkg-config", "--modversion", name], environment: environment)
        let version = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard probe.succeeded, !version.isEmpty else {
            throw .notFound(
                what: "library '\(name)' (pkg-config knows no package of that name)",
                searched: ["pkg-config"])
        }
        let libdir = run(["pkg-config", "--variable=libdir", name], environment: environment).trimmingCharacters(
            in: .whitespacesAndNewlines)
        if let parsed, !parsed.isSatisfied(by: firstVersion(in: version) ?? version) {
            throw .versionMismatch(tool: name, path: libdir, found: version, required: parsed.description)
        }
        return DetectedTool(name: name, path: libdir, version: firstVersion(in: version) ?? version)
    }

    /// The first word of the form `1`, `1.2` or `1.2.3…` (a leading `v` allowed).
    static func firstVersion(in text: String) -> String? {
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i].isNumber,
                i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == ".")
                    || chars[i - 1] == "v"
            {
                var j = i
                while j < chars.count,
                    chars[j].isNumber || (chars[j] == "." && j + 1 < chars.count && chars[j + 1].isNumber)
                { j += 1 }
                let candidate = String(chars[i..<j])
                if candidate.contains(".") { return candidate }
                i = j
                continue
            }
            i += 1
        }
        return nil
    }

    /// Output and error of a short command, together (some tools print their version on stderr).
    static func run(_ argv: [String], environment: [String: String]) -> String {
        Command.run(argv, environment: environment).output
    }
}
