import Foundation
import Recipes
import Testing

@testable import Workflow

@Suite("cache store")
struct CacheStoreTests {
    @Test func anEntryAppearsOnlyWhenCommitted() throws {
        let s = try Sandbox([:])
        defer { s.cleanUp() }
        let cache = s.cache
        try cache.prepare()
        let staging = try cache.stage("k1")
        try "data".write(toFile: staging.outDir + "/f.txt", atomically: true, encoding: .utf8)
        #expect(!cache.hasEntry("k1"))
        try FileOps.write("{}", to: staging.path + "/meta.json")
        try cache.commit(staging, entryKey: "k1", replace: false)
        #expect(cache.hasEntry("k1"))
        #expect(FileManager.default.fileExists(atPath: cache.outPath("k1") + "/f.txt"))
        #expect(!FileManager.default.fileExists(atPath: staging.path))
    }

    @Test func staleStagingIsRemovedByTheNextBuilder() throws {
        let s = try Sandbox([:])
        defer { s.cleanUp() }
        let cache = s.cache
        try cache.prepare()
        let abandoned = try cache.stage("k2")
        #expect(cache.staleStaging().count == 1)
        _ = try cache.stage("k2")
        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
    }

    @Test func locksExcludeEachOtherAcrossThreads() throws {
        let s = try Sandbox([:])
        defer { s.cleanUp() }
        let cache = s.cache
        try cache.prepare()
        let first = try #require(try FileLock.acquire(cache.lockPath("k")))
        #expect(FileLock.tryAcquire(cache.lockPath("k")) == nil)
        first.unlock()
        let again = try #require(FileLock.tryAcquire(cache.lockPath("k")))
        again.unlock()
    }

    @Test func outputsAreStoredRelativeToTheirEntry() {
        let v: Value = ["file": "/c/tmp/x/out/a/b.txt", "dir": "/c/tmp/x/out", "other": "/elsewhere", "n": 3]
        let stored = OutputPaths.relocatable(v, outDir: "/c/tmp/x/out")
        #expect(stored["file"] == ["$out": "a/b.txt"])
        #expect(stored["other"] == "/elsewhere")
        let back = OutputPaths.materialize(stored, outDir: "/c/entries/k/out")
        #expect(back["file"] == "/c/entries/k/out/a/b.txt")
        #expect(back["dir"] == "/c/entries/k/out")
    }

    @Test func valueDiffNamesThePaths() {
        let changes = ValueDiff.changes(
            ["inputs": ["n": 1, "m": 2], "recipe": "r"], ["inputs": ["n": 2, "m": 2], "recipe": "r", "x": true])
        #expect(changes.map(\.description) == ["inputs.n: 1 -> 2", "x: (absent) -> true"])
    }
}
