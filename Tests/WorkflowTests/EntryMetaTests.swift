import Recipes
import Testing

@testable import Workflow

/// `meta.json` is read field by field (a fully cached run reads one per node): what `json` writes reads back the
/// same, and a damaged file is no entry rather than a crash.
@Suite struct EntryMetaTests {
    static let meta = EntryMeta(
        entryKey: "e1", nodeKey: "k1", recipe: "train", nodeID: "train[seed=1]", policy: .measured,
        inputs: ["seed": .int(1), "note": .string("a \"quoted\"\nline")], variations: ["mlp"],
        storedOutputs: ["weights": .map(["$out": .string("w.rpw")]), "n": .double(2.5)],
        metrics: ["accuracy": .double(0.97)],
        files: [
            Digests.FileRecord(
                path: "w.rpw", sha256: "ab", size: 12, executable: false, linkTarget: nil,
                modified: 1_796_541_781_250_000_123),
            Digests.FileRecord(path: "run.sh", sha256: "cd", size: 3, executable: true, linkTarget: nil),
            Digests.FileRecord(path: "latest", sha256: "ef", size: 5, executable: false, linkTarget: "w.rpw"),
        ],
        outputsDigest: "od", created: 1_796_541_781.25, duration: 0.5, runner: "slurm",
        host: .map(["hostname": .string("vm"), "cpus": .int(2)]),
        repro: ReproBuild(version: "0.1.0", commit: "abc", dirty: true), execution: ["job": .string("12_3")],
        spread: ["accuracy": MetricSpread(values: [0.96, 0.97, 0.98])])

    static func read(_ text: String) -> EntryMeta? { EntryMeta(jsonBytes: Array(text.utf8)) }

    @Test func whatIsWrittenReadsBackTheSame() throws {
        for text in [Self.meta.json.prettyJSON(), Self.meta.json.canonicalJSON] {
            let back = try #require(Self.read(text))
            #expect(back.json == Self.meta.json)
            #expect(back.files == Self.meta.files)
            #expect(back.host["hostname"] == .string("vm"))
            #expect(back.repro == Self.meta.repro)
            #expect(back.spread == Self.meta.spread)
        }
    }

    @Test func unknownFieldsArePassedOver() throws {
        guard case .map(var m) = Self.meta.json else { return }
        m["later_field"] = .map(["nested": .list([.int(1), .string("}")])])
        let back = try #require(Self.read(Value.map(m).prettyJSON()))
        #expect(back.entryKey == "e1")
    }

    @Test func aDamagedOrForeignFileIsNoEntry() {
        let good = Self.meta.json.canonicalJSON
        #expect(Self.read(String(good.dropLast(5))) == nil)
        #expect(Self.read(good.replacingOccurrences(of: "\"format\":1", with: "\"format\":99")) == nil)
        #expect(Self.read(good.replacingOccurrences(of: "\"sha256\":\"ab\",", with: "")) == nil)
        #expect(Self.read(good.replacingOccurrences(of: "\"entry\":\"e1\"", with: "\"entry\":7")) == nil)
        #expect(Self.read("{}") == nil)
        #expect(Self.read("[]") == nil)
        #expect(Self.read("") == nil)
    }
}
