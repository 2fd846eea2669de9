import Foundation
import Testing

/// Entries cannot change behind the cache's back: their files are read-only, a reuse checks each file's size and
/// time (re-hashing only a file that moved), a changed entry is rebuilt with a warning, and `cache verify --repair`
/// removes what it finds damaged.
@Suite("cache integrity", .serialized)
struct CacheIntegrityTests {
    static let recipes = [
        ("numbers", "summary: numbers\nrun: seq 1 20 > numbers.txt\noutputs:\n  file: ${{ node.out }}/numbers.txt\n"),
        (
            "total",
            "summary: sum\nneeds:\n  n: {recipe: numbers}\nrun: awk '{s += $1} END {print s}' "
                + "${{ quote(needs.n.outputs.file) }} > total.txt\n"
        ),
    ]

    func setUp() throws -> (CLI, String) {
        let cli = try CLI()
        for (name, text) in CacheIntegrityTests.recipes { try cli.recipe(name, text) }
        let first = try cli.run(["run", "total"])
        #expect(first.status == 0, "\(first.stderr)")
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        let entry = nodes.first { $0["id"] as? String == "numbers" }!["entry"] as! String
        return (cli, cli.root + "/cache/entries/\(entry)")
    }

    func statuses(_ cli: CLI) throws -> [String: String] {
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as! String, $0["status"] as! String) })
    }

    /// Appends to a file of the entry as a user would (who first has to make it writable).
    func tamper(_ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("21\n".utf8))
        try handle.close()
    }

    @Test func entryFilesAreReadOnly() throws {
        let (cli, entry) = try setUp()
        defer { cli.cleanUp() }
        let fm = FileManager.default
        for path in ["out/numbers.txt", "meta.json", "key.json"] {
            let mode = try fm.attributesOfItem(atPath: entry + "/" + path)[.posixPermissions] as! Int
            #expect(mode & 0o222 == 0, "\(path) is \(String(mode, radix: 8))")
        }
        #expect(try fm.attributesOfItem(atPath: entry + "/out")[.posixPermissions] as! Int == 0o555)
        // Read-only entries can still be removed.
        let rm = try cli.run(["cache", "rm", "--recipe", "numbers"])
        #expect(rm.status == 0, "\(rm.stderr)")
        #expect(!fm.fileExists(atPath: entry))
    }

    @Test func aChangedEntryIsRebuiltWithAWarning() throws {
        let (cli, entry) = try setUp()
        defer { cli.cleanUp() }
        try tamper(entry + "/out/numbers.txt")
        let again = try cli.run(["run", "total"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(
            again.stderr.contains("was changed after it was made: out/numbers.txt changed (51 bytes recorded, 54 now"),
            "\(again.stderr)")
        #expect(try statuses(cli) == ["numbers": "built", "total": "hit"])
        #expect(try cli.read(String(entry.dropFirst(cli.root.count + 1)) + "/out/numbers.txt").hasSuffix("19\n20\n"))
        let verify = try cli.run(["cache", "verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        // A file touched but not changed is hashed again, found the same, and reused without a word.
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: entry + "/out/numbers.txt")
        let touched = try cli.run(["run", "total"])
        #expect(!touched.stderr.contains("changed after it was made"), "\(touched.stderr)")
        #expect(try statuses(cli) == ["numbers": "hit", "total": "hit"])
    }

    @Test func verifyRepairRemovesWhatIsDamaged() throws {
        let (cli, entry) = try setUp()
        defer { cli.cleanUp() }
        try tamper(entry + "/out/numbers.txt")
        let verify = try cli.run(["cache", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("out/numbers.txt changed"), "\(verify.stdout)")
        let repair = try cli.run(["cache", "verify", "--repair"])
        #expect(repair.status == 0, "\(repair.stdout)")
        #expect(repair.stdout.contains("repaired: removed 1 damaged entry: numbers ("), "\(repair.stdout)")
        #expect(!FileManager.default.fileExists(atPath: entry))
        #expect(try cli.run(["cache", "verify"]).status == 0)
        let run = try cli.run(["run", "total"])
        #expect(!run.stderr.contains("changed after it was made"))
        #expect(try statuses(cli) == ["numbers": "built", "total": "hit"])
    }
}
