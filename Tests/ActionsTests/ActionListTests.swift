import Actions
import Runners
import Testing
import Workflow

/// The planner (in `repro`) knows the built-in actions by their specs (`BuiltinActions.all`); the worker
/// (`repro-step`) runs them from its own list (`ActionWorker.implementations`). Both lists are kept by hand.
@Suite struct ActionListTests {
    @Test func everySpecHasAnImplementationOfTheSameVersion() {
        let implementations = Dictionary(
            ActionWorker.implementations.map { ($0.name, $0.version) }, uniquingKeysWith: { a, _ in a })
        for spec in BuiltinActions.all {
            #expect(
                implementations[spec.name] == spec.version,
                "action '\(spec.name)' \(spec.version): repro-step has \(implementations[spec.name] ?? "none")")
        }
    }

    @Test func everyImplementationHasASpec() {
        let specs = Set(BuiltinActions.all.map(\.name))
        for action in ActionWorker.implementations {
            #expect(specs.contains(action.name), "repro-step runs '\(action.name)', which repro cannot plan")
        }
    }

    @Test func namesAndParametersAreUnique() {
        let names = BuiltinActions.all.map(\.name)
        #expect(Set(names).count == names.count, "\(names)")
        for spec in BuiltinActions.all {
            let parameters = spec.parameters.map(\.name)
            #expect(Set(parameters).count == parameters.count, "\(spec.name): \(parameters)")
        }
    }
}
