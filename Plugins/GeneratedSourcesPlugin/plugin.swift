import Foundation
import PackagePlugin

/// Writes the Swift files that are made at build time, before every build of the module that holds them:
/// - `BuildInfo`: `scripts/build-info`, the digests of repro's sources and the git commit they are from;
/// - `Submission`: `scripts/embed-files`, the submission rules (`Sources/Submission/Rules/<round>.json`) as data in
///   the binary, so that a `repro` copied alone to another machine (a cluster node) still has them; the JSON files
///   stay the one copy in git.
/// A prebuild command runs each time (a commit, a new source or rules file is seen at once); the scripts rewrite
/// their file only when its text changes, so an unchanged tree recompiles nothing. They need only `/bin/sh`,
/// `find`, `sha256sum`, `base64` and (for the commit) `git`.
@main
struct GeneratedSourcesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let (description, script, arguments): (String, String, [String])
        switch target.name {
        case "BuildInfo":
            (description, script) = ("Source digests and git commit for BuildInfo", "build-info")
            arguments = [root.path, output.appending(path: "Generated.swift").path]
        case "Submission":
            (description, script) = ("The submission rules, embedded in Submission", "embed-files")
            arguments = [
                target.directoryURL.appending(path: "Rules").path,
                output.appending(path: "EmbeddedRules.swift").path, "EmbeddedRules",
            ]
        default:
            throw GeneratedSourcesError(target: target.name)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return [
            .prebuildCommand(
                displayName: description,
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [root.appending(path: "scripts/" + script).path] + arguments,
                environment: ["PATH": path.isEmpty ? "/usr/local/bin:/usr/bin:/bin" : path],
                outputFilesDirectory: output)
        ]
    }
}

struct GeneratedSourcesError: Error, CustomStringConvertible {
    let target: String
    var description: String { "GeneratedSourcesPlugin generates nothing for the target '\(target)'" }
}
