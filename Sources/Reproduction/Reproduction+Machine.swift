import Recipes
import Workflow

extension Reproduction {
    /// Every key that differs, or exists on one side only: the host description, the build of repro, and what
    /// each step reported about its environment (`outputs.environment`: threads, BLAS core and build, kernel
    /// level, workers); a step environment's key is listed once, with the steps that reported it.
    public static func machineDifferences(_ published: Manifest, _ reproduced: Manifest) -> [MachineDifference] {
        var out: [MachineDifference] = []
        let hostKeys = Set(published.host.fields.keys).union(reproduced.host.fields.keys)
        for key in hostKeys.sorted() where key != "hostname" {
            let a = published.host.fields[key]?.interpolated
            let b = reproduced.host.fields[key]?.interpolated
            if a != b { out.append(MachineDifference(key: key, published: a, reproduced: b, nodes: [])) }
        }
        let builds: [(String, String?, String?)] = [
            ("repro version", published.repro.version, reproduced.repro.version),
            ("repro commit", published.repro.commit, reproduced.repro.commit),
            (
                "repro uncommitted changes", published.repro.dirty.map { "\($0)" },
                reproduced.repro.dirty.map { "\($0)" }
            ),
        ]
        for (key, a, b) in builds where a != b {
            out.append(MachineDifference(key: key, published: a, reproduced: b, nodes: []))
        }
        let now = Dictionary(reproduced.nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var environment: [String: MachineDifference] = [:]
        var order: [String] = []
        for node in published.nodes {
            let env = node.outputs["environment"]?.mapValue ?? [:]
            let env2 = now[node.id]?.outputs["environment"]?.mapValue ?? [:]
            for key in Set(env.keys).union(env2.keys).sorted() {
                let a = env[key]?.interpolated
                let b = env2[key]?.interpolated
                guard a != b else { continue }
                let name = "\(key) \(a ?? "(absent)") → \(b ?? "(absent)")"
                if environment[name] == nil {
                    environment[name] = MachineDifference(key: key, published: a, reproduced: b, nodes: [])
                    order.append(name)
                }
                environment[name]!.nodes.append(node.id)
            }
        }
        out += order.map { environment[$0]! }
        return out
    }
}
