import Crypto
import Fetch
import Foundation
import Recipes
import Runners
import Workflow

/// `fetch` (see `FetchSpec`): downloads into the output folder; partial files are kept in the action's
/// persistent folder, so a download interrupted by a stopped or killed run resumes where it was.
struct FetchAction: Implementation {
    let spec = FetchSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let url = try context.string("url")
        let md5 = try context.optionalString("md5")?.lowercased()
        if let md5, md5.count != 32 || !md5.allSatisfy(\.isHexDigit) {
            throw ActionError.badParameter(name: "md5", problem: "expected 32 hex digits, found '\(md5)'")
        }
        let sha256 = try context.optionalString("sha256")?.lowercased()
        guard sha256 != nil || md5 != nil else {
            throw ActionError.missingParameter(action: context.nodeID, name: "sha256")
        }
        let expected = sha256 == "none" ? nil : sha256
        if let expected, expected.count != 64 || !expected.allSatisfy(\.isHexDigit) {
            throw ActionError.badParameter(
                name: "sha256", problem: "expected 64 hex digits or 'none', found '\(expected)'")
        }
        let filename = try context.optionalString("filename") ?? FetchAction.lastPart(of: url)
        guard !filename.isEmpty, !filename.contains("/"), filename != "..", filename != "." else {
            throw ActionError.badParameter(name: "filename", problem: "'\(filename)' is not a file name")
        }
        if FetchSpec.noChecksum(context.with) {
            context.log.err("warning: \(spec.warnings(with: context.with).joined())")
        }
        let partialName = expected ?? md5.map { "md5-" + $0 } ?? Digests.text(url)
        var request = DownloadRequest(
            urls: [url] + (try context.strings("mirrors")),
            destination: context.outDir + "/" + filename,
            partialPath: context.persistentDir + "/partial/" + partialName, sha256: expected)
        request.retries = try context.int("retries", default: 3)
        request.connectTimeout = try context.double("connect-timeout", default: 30)
        request.lowSpeedLimit = try context.int("low-speed-limit", default: 1024)
        request.lowSpeedTime = try context.double("low-speed-time", default: 30)
        request.headers = try context.strings("headers")
        let progress = context.progress
        let cancellation = context.cancellation
        let downloader = Downloader(
            progress: { p in
                var detail = "\(TextOutput.bytes(p.bytesPerSecond))/s"
                if let eta = p.eta { detail += ", \(TextOutput.duration(eta)) left" }
                progress(
                    StepProgress(done: Double(p.bytes), total: p.total.map(Double.init), unit: "bytes", detail: detail))
            }, isCancelled: { cancellation.isCancelled })
        let result = try downloader.download(request)
        if let md5 {
            let found = try FileDigests.md5(result.path)
            guard found == md5 else {
                try? FileManager.default.removeItem(atPath: result.path)
                throw ActionError.failed(
                    "\(result.url): MD5 mismatch: expected \(md5), found \(found) (\(result.size) bytes); the file was removed"
                )
            }
            context.log.out("md5 \(found) verified")
        }
        context.log.out(
            "fetched \(result.url): \(result.size) bytes, sha256 \(result.sha256)"
                + (result.resumedBytes > 0 ? " (resumed after \(result.resumedBytes) bytes)" : ""))
        var outputs: [String: Value] = [
            "path": .string(result.path), "sha256": .string(result.sha256), "size": .int(result.size),
            "url": .string(result.url),
        ]
        if let md5 { outputs["md5"] = .string(md5) }
        return outputs
    }

    static func lastPart(of url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        return path.split(separator: "/").last.map(String.init) ?? "download"
    }
}

/// `git` (see `GitSpec`).
struct GitAction: Implementation {
    let spec = GitSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let url = try context.string("url")
        let revision = try context.optionalString("revision")
        let path = try context.optionalString("path") ?? "src"
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw ActionError.badParameter(name: "path", problem: "must stay inside the output folder, found '\(path)'")
        }
        let progress = context.progress
        let cancellation = context.cancellation
        let result = try GitCheckout.checkout(
            url: url, revision: revision, destination: context.outDir + "/" + path,
            mirrors: context.persistentDir + "/mirrors",
            progress: { done, total in progress(StepProgress(done: Double(done), total: Double(total), unit: "objects"))
            },
            isCancelled: { cancellation.isCancelled })
        context.log.out("\(url) at \(revision ?? "its default branch"): commit \(result.commit)")
        return ["commit": .string(result.commit), "path": .string(result.path)]
    }
}

/// `extract` (see `ExtractSpec`).
struct ExtractAction: Implementation {
    let spec = ExtractSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let archive = try context.string("archive")
        let into = try context.optionalString("into") ?? "."
        guard !into.hasPrefix("/"), !into.split(separator: "/").contains("..") else {
            throw ActionError.badParameter(name: "into", problem: "must stay inside the output folder, found '\(into)'")
        }
        let destination = into == "." ? context.outDir : context.outDir + "/" + into
        let cancellation = context.cancellation
        let result = try Extractor.extract(
            archive, into: destination,
            stripComponents: try context.int("strip-components", default: 0),
            isCancelled: { cancellation.isCancelled })
        context.log.out("extracted \(result.entries) entries, \(result.bytes) bytes")
        return [
            "path": .string(result.singleFile ?? destination), "entries": .int(result.entries),
            "bytes": .int(result.bytes),
        ]
    }
}

/// `detect` (see `DetectSpec`).
struct DetectAction: Implementation {
    let spec = DetectSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let constraint = try context.optionalString("version")
        let tool: DetectedTool
        if let library = try context.optionalString("library") {
            tool = try ToolDetector.library(library, constraint: constraint, environment: context.environment)
        } else if let program = try context.optionalString("program") {
            var places = try context.strings("places")
            if places.isEmpty { places = (context.environment["PATH"] ?? "").split(separator: ":").map(String.init) }
            var args = try context.strings("version-args")
            if args.isEmpty { args = ["--version"] }
            tool = try ToolDetector.program(
                program, places: places, versionArguments: args, constraint: constraint,
                environment: context.environment)
        } else {
            throw ActionError.badParameter(name: "program", problem: "give 'program' or 'library'")
        }
        context.log.out("found \(tool.name) \(tool.version) at \(tool.path)")
        return ["path": .string(tool.path), "version": .string(tool.version)]
    }
}

/// Digests of files that are not SHA-256 (those are `Digests`), read in 1 MiB pieces.
enum FileDigests {
    /// The MD5 (hex) of a file: only for checking what a publisher lists, never for keys.
    static func md5(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ActionError.failed("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = Insecure.MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
