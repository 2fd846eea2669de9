import Foundation
import Runners
import Testing

/// Packing the same tree gives the same bytes, whenever the files were written and whatever their modes.
@Suite struct DeterministicTarballTests {
    func makeTree(_ root: String, mode: Int, time: Date) throws {
        let fm = FileManager.default
        for (path, text) in [("b/results/x.txt", "x\n"), ("a/systems/s.json", "{}\n"), ("a/README.md", "# tree\n")] {
            let file = root + "/" + path
            try fm.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: mode, .modificationDate: time], ofItemAtPath: file)
        }
    }

    func run(_ argv: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }

    func digest(_ path: String) throws -> String {
        String(try run(["sha256sum", path]).prefix(64))
    }

    @Test func theSameTreeGivesTheSameDigest() throws {
        let dir = NSTemporaryDirectory() + "repro-tar-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeTree(dir + "/one/submission", mode: 0o600, time: Date(timeIntervalSince1970: 1_000_000))
        try makeTree(dir + "/two/submission", mode: 0o664, time: Date())
        try DeterministicTarball.write(dir + "/one/submission", to: dir + "/one.tar.gz")
        try DeterministicTarball.write(dir + "/two/submission", to: dir + "/two.tar.gz")
        #expect(try digest(dir + "/one.tar.gz") == digest(dir + "/two.tar.gz"))
        // gzip -n: no file name and a zero time in the header.
        let header = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/one.tar.gz")).prefix(10))
        #expect(Array(header[4..<8]) == [0, 0, 0, 0])
        #expect(header[3] & 0x08 == 0, "no file name in the gzip header")
        // Members sorted by name, relative to the tree's parent, owned by 0/0 at the epoch, mode 0644.
        let lines = try run(["tar", "-tvzf", dir + "/one.tar.gz"]).split(separator: "\n").map(String.init)
        #expect(
            lines.map { $0.split(separator: " ").last.map(String.init) ?? "" } == [
                "submission/", "submission/a/", "submission/a/README.md", "submission/a/systems/",
                "submission/a/systems/s.json", "submission/b/", "submission/b/results/", "submission/b/results/x.txt",
            ])
        #expect(lines.allSatisfy { $0.contains(" 0/0 ") && $0.contains("1970-01-01") }, "\(lines)")
        #expect(lines.filter { $0.hasPrefix("-") }.allSatisfy { $0.hasPrefix("-rw-r--r--") }, "\(lines)")
        // A changed file changes the digest.
        try "y\n".write(toFile: dir + "/two/submission/b/results/x.txt", atomically: true, encoding: .utf8)
        try DeterministicTarball.write(dir + "/two/submission", to: dir + "/two.tar.gz")
        #expect(try digest(dir + "/one.tar.gz") != digest(dir + "/two.tar.gz"))
    }

    @Test func aTreeThatCannotBePackedIsAnErrorThatShowsTheCommand() throws {
        let dir = NSTemporaryDirectory() + "repro-tar-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect {
            try DeterministicTarball.write(dir + "/missing/submission", to: dir + "/x.tar.gz")
        } throws: { error in
            let text = "\(error)"
            return text.contains("tar could not pack") && text.contains("command: tar --create")
                && text.contains("exit status 2") && text.contains("| tar: ")
        }
    }
}
