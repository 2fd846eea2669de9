import Foundation
import Recipes
import Testing

@Suite struct FileSystemPathTests {
    @Test func filesOfEverySizeAroundTheFirstBufferAreReadWhole() throws {
        let dir = NSTemporaryDirectory() + "repro-read-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for size in [0, 1, 8191, 8192, 8193, 16_384, 100_001] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/f"))
            #expect(try FileSystemPath.readBytes(dir + "/f") == bytes, "\(size) bytes")
        }
        let missing = #expect(throws: FileReadError.self) { try FileSystemPath.readBytes(dir + "/none") }
        #expect(missing?.code == ENOENT)
    }
}
