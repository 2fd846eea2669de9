import Foundation
import Testing

@testable import Imaging

/// A JPEG that does not decode and a `val_map.txt` that is wrong: each an error with the file (and line).
@Suite("ImageNet folders and JPEGs repro refuses")
struct BadInputTests {
    func folder(_ list: String, files: [String: [UInt8]] = [:]) throws -> String {
        let dir = NSTemporaryDirectory() + "repro-imagenet-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try list.write(toFile: dir + "/val_map.txt", atomically: true, encoding: .utf8)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }

    @Test func notAJPEG() throws {
        let decoder = try JPEGDecoder()
        #expect(throws: ImagingError.self) { try decoder.decode(Array("not a jpeg".utf8), path: "x.jpg") }
        do {
            _ = try decoder.decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 74, 70, 73, 70], path: "cut.jpg")
            Issue.record("a truncated JPEG decoded")
        } catch {
            #expect(error.description.hasPrefix("cut.jpg: error: not a JPEG image repro can decode: "))
        }
    }

    @Test func listErrors() throws {
        let files = ["a.JPEG": [UInt8](repeating: 1, count: 4), "b.JPEG": [UInt8](repeating: 1, count: 4)]
        func error(_ list: String) throws -> String {
            let dir = try folder(list, files: files)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            do {
                _ = try ImageNetFolder(folder: dir)
                return "no error"
            } catch {
                return error.description.replacingOccurrences(of: dir + "/", with: "")
            }
        }
        #expect(try error("a.JPEG 3\nc.JPEG 4\n") == "val_map.txt:2: error: 'c.JPEG' is not a file in the folder")
        #expect(try error("a.JPEG 3\nb.JPEG 1000\n") == "val_map.txt:2: error: label 1000 is out of range (0...999)")
        #expect(try error("a.JPEG\n") == "val_map.txt:1: error: expected 'NAME LABEL', found 'a.JPEG'")
        let dir = try folder("a.JPEG 3\nb.JPEG 4\n", files: files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let set = try ImageNetFolder(folder: dir)
        #expect(try set.first(2).map(\.label) == [3, 4])
        #expect(throws: ImagingError.count(path: dir + "/val_map.txt", requested: 3, available: 2)) {
            try set.first(3)
        }
    }
}
