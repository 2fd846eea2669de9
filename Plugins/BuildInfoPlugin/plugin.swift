import Foundation
import PackagePlugin

/// Runs `scripts/build-info` before every build of the `BuildInfo` module: the digests of repro's sources and the
/// git commit they are from, as a generated Swift file. A prebuild command runs each time (a commit or a new
/// source file is seen at once); the script rewrites the file only when its text changes, so an unchanged tree
/// recompiles nothing. It needs only `/bin/sh`, `find`, `sha256sum` and (for the commit) `git`.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return [
            .prebuildCommand(
                displayName: "Source digests and git commit for BuildInfo",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    root.appending(path: "scripts/build-info").path, root.path,
                    output.appending(path: "Generated.swift").path,
                ],
                environment: ["PATH": path.isEmpty ? "/usr/local/bin:/usr/bin:/bin" : path],
                outputFilesDirectory: output)
        ]
    }
}
