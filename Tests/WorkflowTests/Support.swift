import Foundation
import Recipes

@testable import Workflow

/// A temporary folder with recipes, and helpers to plan them.
struct Sandbox {
    let root: String

    init(_ recipes: [String: String]) throws {
        root = NSTemporaryDirectory() + "repro-wf-" + UUID().uuidString.prefix(8)
        for (name, text) in recipes {
            let path = root + "/recipes/\(name).yaml"
            try FileManager.default.createDirectory(atPath: root + "/recipes", withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: root) }

    func plan(
        _ selection: String, _ inputs: [String: Value] = [:], actions: [any ActionSpec] = [],
        nodeLimit: Int = Planner.defaultNodeLimit, depthLimit: Int = Planner.defaultDepthLimit
    ) throws -> Plan {
        let registry = try RecipeRegistry(searchPath: [root + "/recipes"])
        let planner = Planner(
            registry: registry, actions: ActionCatalog(actions), host: ["cpus": 2], nodeLimit: nodeLimit,
            depthLimit: depthLimit)
        return try planner.plan([
            PlanRequest(
                selection: Selection(parsing: selection),
                inputs: inputs.mapValues { ProvidedInput(value: $0) })
        ])
    }

    var cache: CacheStore { CacheStore(root: root + "/cache") }
}
