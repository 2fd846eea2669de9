import Foundation
import Testing

@testable import Fetch

@Suite("extraction with libarchive")
struct ExtractorTests {
    /// Builds archives with Python's tarfile and zipfile (which write whatever entry names they are given).
    func python(_ script: String, in dir: String) throws {
        try script.write(toFile: dir + "/make.py", atomically: true, encoding: .utf8)
        try sh("python3 make.py", in: dir)
    }

    @Test(arguments: ["tar", "tar.gz", "tar.xz", "tar.bz2", "zip"])
    func archivesUnpackWithTheirModes(_ ext: String) throws {
        let dir = try temporaryFolder("extract")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sh(
            "mkdir -p src/pkg/bin && echo hi > src/pkg/a.txt && printf '#!/bin/sh\\n' > src/pkg/bin/run && chmod 755 src/pkg/bin/run && ln -s a.txt src/pkg/link",
            in: dir)
        switch ext {
        case "zip": try sh("cd src && python3 -c \"import shutil; shutil.make_archive('../a', 'zip', '.')\"", in: dir)
        case "tar": try sh("tar -cf a.tar -C src pkg", in: dir)
        case "tar.gz": try sh("tar -czf a.tar.gz -C src pkg", in: dir)
        case "tar.xz": try sh("tar -cJf a.tar.xz -C src pkg", in: dir)
        default: try sh("tar -cjf a.tar.bz2 -C src pkg", in: dir)
        }
        let r = try Extractor.extract(dir + "/a." + ext, into: dir + "/out")
        #expect(r.entries >= 3)
        #expect(try String(contentsOfFile: dir + "/out/pkg/a.txt", encoding: .utf8) == "hi\n")
        #expect(FileManager.default.isExecutableFile(atPath: dir + "/out/pkg/bin/run"))
        if ext != "zip" {
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/out/pkg/link") == "a.txt")
        }
        let stripped = try Extractor.extract(dir + "/a." + ext, into: dir + "/stripped", stripComponents: 1)
        #expect(stripped.entries >= 3)
        #expect(FileManager.default.fileExists(atPath: dir + "/stripped/a.txt"))
    }

    @Test func aLoneCompressedFileBecomesItsFile() throws {
        let dir = try temporaryFolder("extract")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sh("seq 1 1000 > data.csv && gzip -k data.csv && xz -k data.csv", in: dir)
        for ext in ["gz", "xz"] {
            let r = try Extractor.extract(dir + "/data.csv." + ext, into: dir + "/out-" + ext)
            #expect(r.singleFile == dir + "/out-\(ext)/data.csv")
            #expect(
                try String(contentsOfFile: dir + "/out-\(ext)/data.csv", encoding: .utf8)
                    == String(contentsOfFile: dir + "/data.csv", encoding: .utf8))
        }
    }

    @Test(arguments: [
        ("dotdot.tar", "../evil.txt", "its path contains '..'"),
        ("nested.tar", "ok/../../evil.txt", "its path contains '..'"),
        ("absolute.tar", "/tmp/repro-evil-absolute.txt", "it has an absolute path"),
        ("link.tar", "escape", "it is a link to '../../outside', outside the destination"),
        ("abslink.tar", "abs", "it is a link to the absolute path '/etc'"),
        ("dotdot.zip", "../evil.txt", "its path contains '..'"),
    ])
    func entriesThatLeaveTheDestinationAreRefused(_ archive: String, _ entry: String, _ reason: String) throws {
        let dir = try temporaryFolder("extract")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try python(
            """
            import io, tarfile, zipfile
            def add(t, name, data=b"x"):
                info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
            def link(t, name, target):
                info = tarfile.TarInfo(name); info.type = tarfile.SYMTYPE; info.linkname = target; t.addfile(info)
            with tarfile.open("dotdot.tar", "w") as t: add(t, "fine.txt"); add(t, "../evil.txt")
            with tarfile.open("nested.tar", "w") as t: add(t, "ok/../../evil.txt")
            with tarfile.open("absolute.tar", "w") as t: add(t, "/tmp/repro-evil-absolute.txt")
            with tarfile.open("link.tar", "w") as t: link(t, "escape", "../../outside"); add(t, "escape/x.txt")
            with tarfile.open("abslink.tar", "w") as t: link(t, "abs", "/etc")
            with zipfile.ZipFile("dotdot.zip", "w") as z: z.writestr("fine.txt", "x"); z.writestr("../evil.txt", "x")
            """, in: dir)
        try FileManager.default.createDirectory(atPath: dir + "/deep/out", withIntermediateDirectories: true)
        do {
            _ = try Extractor.extract(dir + "/" + archive, into: dir + "/deep/out")
            Issue.record("\(archive) was extracted")
        } catch {
            #expect(
                "\(error)"
                    == "refusing to extract '\(entry)' from \(archive): \(reason); nothing was written outside the destination"
            )
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/deep/evil.txt"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/evil.txt"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/repro-evil-absolute.txt"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/outside"))
    }

    @Test func aCorruptArchiveIsAnError() throws {
        let dir = try temporaryFolder("extract")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sh("seq 1 100000 > f && tar -czf a.tar.gz f && head -c 3000 a.tar.gz > broken.tar.gz", in: dir)
        #expect(throws: FetchError.self) { try Extractor.extract(dir + "/broken.tar.gz", into: dir + "/out") }
    }
}
