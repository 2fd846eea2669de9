import Foundation
import Testing

/// An image given by its name: podman's answer is kept while its store is unchanged, so a run that finds the store
/// as it was makes no podman call at all, and a re-tag (or another store) is asked again and never a stale hit.
/// Real podman through a wrapper on PATH that logs every call.
@Suite("container image names")
struct ContainerNameCacheTests {
    @Test func aNamedImageIsAskedAgainOnlyWhenTheStoreChangesAndAReTagIsNeverAStaleHit() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        // A store of the test's own, so no other test's tags change it between the runs.
        let store = cli.root + "/store"
        let conf = cli.root + "/storage.conf"
        try "[storage]\ndriver = \"overlay\"\ngraphroot = \"\(store)/graph\"\nrunroot = \"\(store)/run\"\n"
            .write(toFile: conf, atomically: true, encoding: .utf8)
        let own = ["CONTAINERS_STORAGE_CONF": conf]
        defer { Podman.try(["rmi", "--all", "--force"], env: own) }
        let load = try Podman.run(["load", "--quiet", "-i", image.archive], env: own)
        try #require(load.status == 0, "\(load.err)")
        let first = String(image.digest.dropFirst("sha256:".count))
        let second = try SecondImage(env: own)
        let tag = "localhost/repro-test/named:" + UUID().uuidString.prefix(8).lowercased()
        func point(at id: String) -> Bool { (try? Podman.run(["tag", id, tag], env: own).status) == 0 }
        try cli.recipe("data", ContainerTests.data)
        try cli.recipe("boxed", ContainerTests.boxed(image: tag))
        try "given".write(toFile: cli.root + "/input.txt", atomically: true, encoding: .utf8)

        // podman through a wrapper that logs its calls.
        let log = cli.root + "/podman-calls.log"
        let bin = cli.root + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let podman = try #require(
            path.split(separator: ":").map { $0 + "/podman" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        )
        try "#!/bin/sh\necho \"$*\" >> \(log)\nexec \(podman) \"$@\"\n"
            .write(toFile: bin + "/podman", atomically: true, encoding: .utf8)
        chmod(bin + "/podman", 0o755)
        func run(_ env: [String: String] = own) throws -> (status: Int32, stderr: String, node: [String: Any]?) {
            try? FileManager.default.removeItem(atPath: log)
            let r = try cli.run(
                ["run", "boxed", "file=input.txt"], env: env.merging(["PATH": bin + ":" + path]) { a, _ in a })
            return (r.status, r.stderr, r.status == 0 ? try cli.lastManifestNodes()["boxed"] : nil)
        }
        func calls() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        func digest(_ node: [String: Any]?) -> String? {
            ((node?["execution"] as? [String: Any])?["container"] as? [String: Any])?["digest"] as? String
        }
        let inspect = "image inspect --format {{.Id}} \(tag)"

        #expect(point(at: first))
        let built = try run()
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.node?["status"] as? String == "built")
        #expect(digest(built.node) == image.digest)
        #expect(calls().contains(inspect), "\(calls())")
        #expect(FileManager.default.fileExists(atPath: cli.root + "/cache/containers/podman-names.json"))

        // The store as it was: the key is computed without asking podman, and the step is a hit.
        let again = try run()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.node?["status"] as? String == "hit")
        #expect(again.node?["key"] as? String == built.node?["key"] as? String)
        #expect(calls().isEmpty, "podman was called: \(calls())")

        // The name moved to another image: asked again, a new key, and the step ran in the new image.
        #expect(point(at: second.id))
        let moved = try run()
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.node?["status"] as? String == "built")
        #expect(moved.node?["key"] as? String != built.node?["key"] as? String)
        #expect(digest(moved.node) == "sha256:" + second.id)
        #expect(calls().contains(inspect), "\(calls())")

        // Back to the first image: its entry is a hit again.
        #expect(point(at: first))
        let back = try run()
        #expect(back.node?["status"] as? String == "hit")
        #expect(back.node?["key"] as? String == built.node?["key"] as? String)

        // The default store, which has no such name: asked, and a clear error rather than the kept answer.
        let other = try run([:])
        #expect(other.status == 1)
        #expect(other.stderr.contains("the image '\(tag)' does not exist in podman's store"), "\(other.stderr)")
    }
}
