import Recipes
import Runners
import Workflow

/// An action implemented here for a spec declared in Runners: name, version and parameters come from the
/// spec, so the planner (in `repro`) and the worker (`repro-step`) can never disagree about them.
protocol Implementation: Action {
    associatedtype Spec: ActionSpec
    var spec: Spec { get }
}

extension Implementation {
    var name: String { spec.name }
    var version: String { spec.version }
    var implementation: [String] { spec.implementation }
    var summary: String { spec.summary }
    var parameters: [ActionParameter] { spec.parameters }
    func defaultPolicy(with: [String: Value]) -> CachePolicy? { spec.defaultPolicy(with: with) }
    func warnings(with: [String: Value]) -> [String] { spec.warnings(with: with) }
}
