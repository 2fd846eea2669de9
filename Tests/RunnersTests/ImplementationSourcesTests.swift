import Foundation
import Testing
import Workflow

@testable import Runners

/// The code identity of built-in actions: the table compiled in is the tree's, every action names real files,
/// nothing it imports is left out, and every source file is either some action's or says why it is not.
@Suite("implementation sources")
struct ImplementationSourcesTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Every file under Sources/ but documentation, hashed now.
    static func treeDigests() throws -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        let base = root + "/Sources"
        for case let rel as String in fm.enumerator(atPath: base)! where !rel.hasSuffix(".md") {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: base + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
            out["Sources/" + rel] = try Digests.file(base + "/" + rel).sha256
        }
        return out
    }

    @Test func theCompiledTableIsTheTreeThisBinaryWasBuiltFrom() throws {
        #expect(SourceTable.build.files == (try ImplementationSourcesTests.treeDigests()))
    }

    @Test func everyActionNamesRealFiles() {
        for spec in BuiltinActions.all {
            #expect(spec.implementation != ["Sources"], "'\(spec.name)' keeps the default (all of Sources/)")
            for path in spec.implementation {
                #expect(!SourceTable.build.files(under: path).isEmpty, "'\(spec.name)' names '\(path)': no such file")
            }
        }
        for (path, _) in ImplementationSources.notResults {
            #expect(!SourceTable.build.files(under: path).isEmpty, "notResults names '\(path)': no such file")
        }
    }

    /// Each source file is named by an action, or on the list of those that cannot change a result.
    @Test func everySourceFileIsAccountedFor() {
        let named = BuiltinActions.all.flatMap(\.implementation) + ImplementationSources.notResults.map(\.path)
        for file in SourceTable.build.files.keys.sorted() {
            #expect(
                named.contains { file == $0 || file.hasPrefix($0 + "/") },
                "\(file) is neither part of an action's implementation nor in ImplementationSources.notResults")
        }
    }

    /// A module imported by a file of an action's implementation is part of it (or an exception with a reason).
    @Test func everyImportedModuleIsNamed() throws {
        let engine: Set = ["Recipes", "Workflow", "Runners", "BuildInfo"]
        let modules = Set(
            try FileManager.default.contentsOfDirectory(atPath: ImplementationSourcesTests.root + "/Sources"))
        for spec in BuiltinActions.all {
            let files = Set(spec.implementation.flatMap { SourceTable.build.files(under: $0) })
            for file in files.sorted() where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: ImplementationSourcesTests.root + "/" + file, encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ").map(String.init)
                    guard let i = words.firstIndex(of: "import"), i + 1 < words.count else { continue }
                    guard words[..<i].allSatisfy({ ["internal", "public", "@preconcurrency", "package"].contains($0) })
                    else { continue }
                    let module = words[i + 1]
                    guard modules.contains(module), !engine.contains(module) else { continue }
                    let covered = spec.implementation.contains {
                        $0 == "Sources/" + module || $0.hasPrefix("Sources/\(module)/")
                    }
                    let excused = ImplementationSources.importExceptions.contains {
                        $0.action == spec.name && $0.module == module
                    }
                    #expect(
                        covered || excused,
                        "'\(spec.name)': \(file) imports \(module), which its implementation does not name")
                }
            }
        }
    }

    /// What a kernel edit changes: the keys of nodes using train and loadgen (and accuracy and audit, whose code
    /// shares loadgen's file and reads labels tensors), not those of preprocess or model; an edit of the command
    /// line changes none.
    @Test func aKernelSourceEditChangesOnlyTheActionsThatRunTheKernels() {
        let before = ActionCatalog(BuiltinActions.all)
        let edited = ActionCatalog(
            BuiltinActions.all, sources: SourceTable.build.replacing("Sources/CKernels/direct_conv.c", digest: "edited")
        )
        let changed = before.names.filter { before.implementations[$0] != edited.implementations[$0] }
        #expect(changed == ["accuracy", "audit", "loadgen", "train"])
        // Each kernel action has a file of its own: editing train's code is not editing preprocess's or model's.
        let train = ActionCatalog(
            BuiltinActions.all, sources: SourceTable.build.replacing("Sources/Actions/TrainAction.swift", digest: "e"))
        #expect(before.names.filter { before.implementations[$0] != train.implementations[$0] } == ["train"])
        let cli = ActionCatalog(
            BuiltinActions.all, sources: SourceTable.build.replacing("Sources/repro/Repro.swift", digest: "edited"))
        #expect(before.names.allSatisfy { before.implementations[$0] == cli.implementations[$0] })
    }
}
