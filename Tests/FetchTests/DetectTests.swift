import Foundation
import Testing

@testable import Fetch

@Suite("detection")
struct DetectTests {
    @Test func constraints() throws {
        let c = try VersionConstraint(">=3.8,<4")
        #expect(c.isSatisfied(by: "3.8"))
        #expect(c.isSatisfied(by: "3.11.7"))
        #expect(!c.isSatisfied(by: "3.7.9"))
        #expect(!c.isSatisfied(by: "4.0"))
        #expect(try VersionConstraint("3.11").isSatisfied(by: "3.11.4"))
        #expect(!(try VersionConstraint("3.11").isSatisfied(by: "3.12")))
        #expect(try VersionConstraint("!=2.0").isSatisfied(by: "2.1"))
        #expect(throws: FetchError.self) { try VersionConstraint(">=three") }
        #expect(ToolDetector.firstVersion(in: "Python 3.11.7") == "3.11.7")
        #expect(ToolDetector.firstVersion(in: "git version 2.39.5 (Apple)") == "2.39.5")
        #expect(ToolDetector.firstVersion(in: "tool v1.2.3-rc1, built 2024") == "1.2.3")
    }

    @Test func programsAreFoundAndTheirVersionsChecked() throws {
        let dir = try temporaryFolder("detect")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sh(
            "mkdir old new && printf '#!/bin/sh\\necho \"mytool 3.7.2\"\\n' > old/mytool && printf '#!/bin/sh\\necho \"mytool 3.9.1\" >&2\\n' > new/mytool && chmod +x old/mytool new/mytool",
            in: dir)
        let env = ProcessInfo.processInfo.environment
        let found = try ToolDetector.program(
            "mytool", places: [dir + "/old", dir + "/new"], constraint: ">=3.8,<4", environment: env)
        #expect(found.path == dir + "/new/mytool" && found.version == "3.9.1")
        do {
            _ = try ToolDetector.program("mytool", places: [dir + "/old"], constraint: ">=3.8", environment: env)
            Issue.record("accepted an old tool")
        } catch {
            #expect("\(error)" == "mytool at \(dir)/old/mytool is version 3.7.2, but >=3.8 is required")
        }
        let missing = #expect(throws: FetchError.self) {
            try ToolDetector.program("nosuchtool", places: [dir + "/old"], environment: env)
        }
        #expect(missing?.description == "program 'nosuchtool' not found (searched: \(dir)/old)")
    }

    @Test func librariesComeFromPkgConfig() throws {
        let env = ProcessInfo.processInfo.environment
        let curl = try ToolDetector.library("libcurl", constraint: ">=7.50", environment: env)
        #expect(curl.version.hasPrefix("7.") || curl.version.hasPrefix("8."))
        #expect(throws: FetchError.self) { try ToolDetector.library("libcurl", constraint: "<1", environment: env) }
        #expect(throws: FetchError.self) { try ToolDetector.library("no-such-library-xyz", environment: env) }
    }
}
