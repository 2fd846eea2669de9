import Foundation
import Testing

@testable import Submission

/// The rules compiled into the binary are the repository's files, byte for byte, and all of them.
@Suite struct EmbeddedRulesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/Submission/Rules").standardized.path

    @Test func theEmbeddedRulesAreTheRepositorysFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: EmbeddedRulesTests.folder).sorted()
        #expect(files == EmbeddedRules.base64.keys.sorted())
        #expect(files == Rules.rounds.map { $0 + ".json" })
        for file in files {
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: EmbeddedRulesTests.folder + "/" + file))
            #expect(EmbeddedRules.base64[file].flatMap { Data(base64Encoded: $0) } == onDisk, "\(file)")
        }
    }
}
