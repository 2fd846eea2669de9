import Recipes

/// Dependency order and cycle detection.
extension Planner {
    /// Node indices with every dependency before its dependants; a cycle is an error that prints it.
    /// - Complexity: O(N + E), iterative (a chain of a million nodes does not overflow the stack).
    static func dependencyOrder(_ drafts: [Draft]) throws(WorkflowError) -> [Int] {
        enum Mark: UInt8 { case new, active, done }
        var marks = [Mark](repeating: .new, count: drafts.count)
        var order: [Int] = []
        order.reserveCapacity(drafts.count)
        // Each frame: a node and how far through its dependency list we are.
        var stack: [(node: Int, next: Int)] = []
        let deps = drafts.map { $0.needs.flatMap(\.nodes) }
        for start in drafts.indices where marks[start] == .new {
            stack.append((start, 0))
            marks[start] = .active
            while !stack.isEmpty {
                let (node, next) = stack[stack.count - 1]
                if next < deps[node].count {
                    stack[stack.count - 1].next += 1
                    let d = deps[node][next]
                    switch marks[d] {
                    case .new:
                        marks[d] = .active
                        stack.append((d, 0))
                    case .active:
                        let from = stack.firstIndex { $0.node == d }!
                        let names = stack[from...].map { drafts[$0.node].instance.recipe.name }
                        // Point at the need that closes the cycle.
                        let edge = drafts[node].needs.first { $0.nodes.contains(d) }?.name
                        let at = drafts[node].instance.needs.first { $0.name == edge }?.location
                        throw .cycle(path: names + [drafts[d].instance.recipe.name], at: at)
                    case .done: break
                    }
                } else {
                    marks[node] = .done
                    order.append(node)
                    stack.removeLast()
                }
            }
        }
        return order
    }
}
