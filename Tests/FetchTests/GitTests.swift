import Foundation
import Testing

@testable import Fetch

@Suite("git over libgit2")
struct GitTests {
    /// A repository with two commits on main, a tag on the first, and a branch 'dev'.
    func makeRepository(_ root: String) throws -> (url: String, first: String, second: String) {
        let repo = root + "/origin"
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        try sh(
            """
            git init -q -b main . && echo one > file.txt && git add file.txt && git commit -q -m one && git tag v1
            git checkout -q -b dev && git checkout -q main
            echo two > file.txt && git commit -q -am two
            """, in: repo)
        return ("file://" + repo, try sh("git rev-parse v1", in: repo), try sh("git rev-parse main", in: repo))
    }

    @Test func aTagABranchThatMovesAndACommitId() throws {
        let root = try temporaryFolder("git")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (url, first, second) = try makeRepository(root)
        let mirrors = root + "/mirrors"
        let tag = try GitCheckout.checkout(url: url, revision: "v1", destination: root + "/a", mirrors: mirrors)
        #expect(tag.commit == first)
        #expect(try String(contentsOfFile: root + "/a/file.txt", encoding: .utf8) == "one\n")
        #expect(!FileManager.default.fileExists(atPath: root + "/a/.git"))
        let main = try GitCheckout.checkout(url: url, revision: "main", destination: root + "/b", mirrors: mirrors)
        #expect(main.commit == second)
        // The branch moves; the next checkout fetches and sees the new commit.
        try sh("echo three > file.txt && git commit -q -am three", in: root + "/origin")
        let third = try sh("git rev-parse main", in: root + "/origin")
        let moved = try GitCheckout.checkout(url: url, revision: "main", destination: root + "/c", mirrors: mirrors)
        #expect(moved.commit == third)
        #expect(try String(contentsOfFile: root + "/c/file.txt", encoding: .utf8) == "three\n")
        let pinned = try GitCheckout.checkout(url: url, revision: first, destination: root + "/d", mirrors: mirrors)
        #expect(pinned.commit == first)
        let short = try GitCheckout.checkout(
            url: url, revision: String(second.prefix(10)), destination: root + "/e", mirrors: mirrors)
        #expect(short.commit == second)
        let byDefault = try GitCheckout.checkout(url: url, revision: nil, destination: root + "/f", mirrors: mirrors)
        #expect(byDefault.commit == third)
    }

    @Test func unknownRevisionsAndRepositoriesAreErrors() throws {
        let root = try temporaryFolder("git")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (url, _, _) = try makeRepository(root)
        do {
            _ = try GitCheckout.checkout(url: url, revision: "nope", destination: root + "/x", mirrors: root + "/m")
            Issue.record("resolved 'nope'")
        } catch {
            #expect("\(error)".hasPrefix("no branch, tag or commit 'nope' in "))
        }
        do {
            _ = try GitCheckout.checkout(
                url: "file://" + root + "/missing", revision: nil, destination: root + "/y", mirrors: root + "/m")
            Issue.record("cloned a missing repository")
        } catch {
            #expect("\(error)".hasPrefix("cannot clone file://\(root)/missing"))
        }
    }

    @Test func aWorkTreeIsClonedThenUpdated() throws {
        let root = try temporaryFolder("git")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (url, first, second) = try makeRepository(root)
        let a = try GitCheckout.cloneOrUpdate(url: url, revision: "v1", path: root + "/checkout")
        #expect(a.commit == first)
        let b = try GitCheckout.cloneOrUpdate(url: url, revision: "main", path: root + "/checkout")
        #expect(b.commit == second)
        #expect(try String(contentsOfFile: root + "/checkout/file.txt", encoding: .utf8) == "two\n")
    }
}
