import Submission
import Testing

/// A submitter's declarations are closed sets: only MLPerf's values parse, and the system description holds the
/// values MLPerf's checker reads.
struct DeclarationTests {
    @Test func onlyMLPerfsValuesParse() {
        #expect(SystemDescription.Division(rawValue: "closed") == .closed)
        #expect(SystemDescription.Division(rawValue: "Closed") == nil)
        #expect(SystemDescription.Availability(rawValue: "rdi") == .rdi)
        #expect(SystemDescription.Availability(rawValue: "released") == nil)
        #expect(SystemDescription.SystemType(declared: "edge,datacenter") == .datacenterAndEdge)
        #expect(SystemDescription.SystemType(declared: "datacenter,edge") == .datacenterAndEdge)
        #expect(SystemDescription.SystemType(declared: "cloud") == nil)
    }

    @Test func theDescriptionHoldsTheDeclaredValues() {
        let d = SystemDescription.fromMachine(
            .init(cpu: "c", cpus: 2, memoryGiB: 4, os: "Linux", kernel: "6"),
            declarations: .init(division: .closed, submitter: "Team", status: .preview, systemType: .datacenterAndEdge),
            systemName: "box", framework: "repro")
        #expect(d["division"] == "closed" && d["status"] == "preview" && d["system_type"] == "datacenter,edge")
        #expect(d["submitter"] == "Team")
    }
}
