import Foundation
import Testing
import Workflow

@testable import Runners

/// Reading an image's digest from its archive, without a runtime: archives written by `tar` here in the layouts
/// podman and docker save.
@Suite("image archives")
struct ImageArchiveTests {
    let root = NSTemporaryDirectory() + "repro-archive-" + UUID().uuidString.prefix(8)

    func write(_ files: [String: String]) throws -> String {
        let dir = root + "/tree"
        for (name, text) in files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let archive = root + "/image.tar"
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-cf", archive, "-C", dir] + files.keys.sorted()
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)
        return archive
    }

    @Test func anOCIArchiveNamesItsConfigurationDigest() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = String(repeating: "c", count: 64)
        // A blob path longer than tar's 100-byte name field, so tar stores it as a long name.
        let manifest = String(repeating: "m", count: 100)
        let archive = try write([
            "oci-layout": #"{"imageLayoutVersion": "1.0.0"}"#,
            "index.json": #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","#
                + #""digest":"sha256:\#(manifest)","annotations":{"org.opencontainers.image.ref.name":"localhost/x:1"}}]}"#,
            "blobs/sha256/" + manifest: #"{"schemaVersion":2,"config":{"digest":"sha256:\#(config)"},"layers":[]}"#,
        ])
        let image = try ImageArchive.read(archive)
        #expect(image.digest == "sha256:" + config)
        #expect(image.name == "localhost/x:1")
        #expect(ImageArchive.path(of: "oci-archive:" + archive) == archive)
        #expect(ImageArchive.path(of: "localhost/x:1") == nil)
    }

    @Test func aDockerArchiveIsHashedFromItsConfiguration() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = #"{"architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}"#
        let archive = try write([
            "manifest.json": #"[{"Config":"abc.json","RepoTags":["localhost/y:2"],"Layers":[]}]"#,
            "abc.json": config,
        ])
        let image = try ImageArchive.read(archive)
        // The SHA-256 of the configuration's bytes, as `docker load` names the image.
        #expect(image.digest == "sha256:" + Digests.bytes(Array(config.utf8)))
        #expect(image.name == "localhost/y:2")
    }

    @Test func somethingElseIsNotAnImage() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let archive = try write(["readme.txt": "hello"])
        #expect(throws: ImageArchive.Problem.self) { try ImageArchive.read(archive) }
        #expect(throws: ImageArchive.Problem.self) { try ImageArchive.read(root + "/missing.tar") }
    }
}
