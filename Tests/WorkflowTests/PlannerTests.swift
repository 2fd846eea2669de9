import Foundation
import Recipes
import Testing

@testable import Workflow

@Suite("planning")
struct PlannerTests {
    @Test func identicalNeedsAreOneNodeAndOrderIsDependenciesFirst() throws {
        let s = try Sandbox([
            "data": "summary: d\ninputs:\n  n: {default: 1}\nrun: echo\n",
            "a": "summary: a\nneeds:\n  d: {recipe: data}\nrun: echo\n",
            "b": "summary: b\nneeds:\n  d: {recipe: data, with: {n: 1}}\nrun: echo\n",
            "top":
                "summary: t\nneeds:\n  a: {recipe: a}\n  b: {recipe: b}\n  d2: {recipe: data, with: {n: 2}}\nrun: echo\n",
        ])
        defer { s.cleanUp() }
        let plan = try s.plan("top")
        #expect(plan.nodes.count == 5)
        #expect(plan.nodes.filter { $0.recipe.name == "data" }.map(\.id).sorted() == ["data[n=1]", "data[n=2]"])
        for node in plan.nodes { for d in node.dependencyIndices { #expect(d < node.index) } }
        #expect(plan.nodes[plan.roots[0]].id == "top")
    }

    @Test func matrixFansOutInOrder() throws {
        let s = try Sandbox([
            "part": "summary: p\ninputs:\n  i: {type: int}\n  j: {type: string}\nrun: echo\n",
            "all":
                "summary: a\nneeds:\n  p:\n    recipe: part\n    matrix: {i: \"${{ range(2) }}\", j: [x, y]}\n    with: {i: \"${{ matrix.i }}\", j: \"${{ matrix.j }}\"}\nrun: echo\n",
        ])
        defer { s.cleanUp() }
        let plan = try s.plan("all")
        let top = plan.nodes[plan.roots[0]]
        #expect(top.needs[0].isMatrix)
        #expect(
            top.needs[0].nodes.map { plan.nodes[$0].id } == [
                "part[i=0,j=x]", "part[i=0,j=y]", "part[i=1,j=x]", "part[i=1,j=y]",
            ])
    }

    @Test func aLongRecursiveChainPlansWithoutRecursion() throws {
        let s = try Sandbox([
            "step":
                "summary: s\ninputs:\n  i: {type: int}\nneeds:\n  prev: {recipe: step, with: {i: \"${{ inputs.i - 1 }}\"}, if: \"${{ inputs.i > 0 }}\"}\nrun: echo ${{ inputs.i }}\n"
        ])
        defer { s.cleanUp() }
        let plan = try s.plan("step", ["i": 20_000])
        #expect(plan.nodes.count == 20_001)
        #expect(plan.nodes[0].instance.inputs["i"] == .int(0))
    }

    @Test func cyclesArePrinted() throws {
        let s = try Sandbox([
            "a": "summary: a\nneeds:\n  b: {recipe: b}\nrun: echo\n",
            "b": "summary: b\nneeds:\n  c: {recipe: c}\nrun: echo\n",
            "c": "summary: c\nneeds:\n  a: {recipe: a}\nrun: echo\n",
        ])
        defer { s.cleanUp() }
        let error = #expect(throws: WorkflowError.self) { try s.plan("a") }
        #expect(
            "\(error.map { "\($0)" } ?? "")".hasSuffix(
                "error: the recipes depend on each other in a cycle: a -> b -> c -> a"))
    }

    @Test func keysChangeWithInputsAndRecipeTextButNotWithNothing() throws {
        let s = try Sandbox(["x": "summary: x\ninputs:\n  n: {default: 1}\nrun: echo ${{ inputs.n }}\n"])
        defer { s.cleanUp() }
        func key(_ inputs: [String: Value]) throws -> String {
            let p = try s.plan("x", inputs)
            return p.nodes[0].keyMaterial.key(dependencies: [:])
        }
        #expect(try key([:]) == key([:]))
        #expect(try key([:]) == key(["n": 1]))
        #expect(try key([:]) != key(["n": 2]))
        let before = try key([:])
        try "summary: x  # edited\ninputs:\n  n: {default: 1}\nrun: echo ${{ inputs.n }}\n"
            .write(toFile: s.root + "/recipes/x.yaml", atomically: true, encoding: .utf8)
        #expect(try key([:]) != before)
    }

    @Test func pathInputsEnterKeysByContent() throws {
        let s = try Sandbox(["x": "summary: x\ninputs:\n  data: {type: path}\nrun: cat ${{ inputs.data }}\n"])
        defer { s.cleanUp() }
        let file = s.root + "/data.txt"
        try "one".write(toFile: file, atomically: true, encoding: .utf8)
        let k1 = try s.plan("x", ["data": .string(file)]).nodes[0].keyMaterial.fields["inputs"]
        try "two".write(toFile: file, atomically: true, encoding: .utf8)
        let k2 = try s.plan("x", ["data": .string(file)]).nodes[0].keyMaterial.fields["inputs"]
        #expect(k1 != k2)
        #expect(throws: WorkflowError.self) { try s.plan("x", ["data": .string(s.root + "/missing")]) }
    }

    /// What `assets:` names enters the key by content, folders whole; a missing one stops planning, saying where
    /// it is named.
    @Test func declaredAssetsEnterKeysByContent() throws {
        let s = try Sandbox([
            "x": "summary: x\nassets: [sut.py, ../lib]\nrun: python3 ${{ recipe.dir }}/sut.py\n",
            "y": "summary: y\nassets: [gone.py]\nrun: python3 ${{ recipe.dir }}/gone.py\n",
        ])
        defer { s.cleanUp() }
        try FileManager.default.createDirectory(atPath: s.root + "/lib", withIntermediateDirectories: true)
        try "print(1)".write(toFile: s.root + "/recipes/sut.py", atomically: true, encoding: .utf8)
        try "LINES = 1".write(toFile: s.root + "/lib/protocol.py", atomically: true, encoding: .utf8)
        func key() throws -> String { try s.plan("x").nodes[0].keyMaterial.key(dependencies: [:]) }
        let first = try key()
        #expect(try key() == first)
        try "print(2)".write(toFile: s.root + "/recipes/sut.py", atomically: true, encoding: .utf8)
        let second = try key()
        #expect(second != first, "a changed script beside the recipe")
        try "LINES = 2".write(toFile: s.root + "/lib/protocol.py", atomically: true, encoding: .utf8)
        #expect(try key() != second, "a changed module in a shared folder it names")
        // A folder recipe that also names one of its own files counts it once: the same digest as without.
        let folder = s.root + "/recipes/z"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "1".write(toFile: folder + "/data.txt", atomically: true, encoding: .utf8)
        try "summary: z\nrun: cat data.txt\n".write(toFile: folder + "/recipe.yaml", atomically: true, encoding: .utf8)
        let plain = try s.plan("z").nodes[0].keyMaterial.fields["assets_sha256"]
        try "summary: z\nassets: [data.txt]\nrun: cat data.txt\n"
            .write(toFile: folder + "/recipe.yaml", atomically: true, encoding: .utf8)
        #expect(try s.plan("z").nodes[0].keyMaterial.fields["assets_sha256"] == plain)
        do {
            _ = try s.plan("y")
            Issue.record("a missing asset should stop planning")
        } catch {
            #expect("\(error)".contains("gone.py"), "\(error)")
            #expect("\(error)".contains("named under 'assets:' at "), "\(error)")
            #expect("\(error)".contains("y.yaml:2:10"), "\(error)")
        }
    }

    @Test func aRecursionWithoutEndIsStopped() throws {
        let s = try Sandbox([
            "up":
                "summary: u\ninputs:\n  i: {type: int}\nneeds:\n  next: {recipe: up, with: {i: \"${{ inputs.i + 1 }}\"}}\nrun: echo\n"
        ])
        defer { s.cleanUp() }
        do {
            _ = try s.plan("up", ["i": 0], nodeLimit: 5_000)
            Issue.record("planned an endless recursion")
        } catch {
            #expect("\(error)".hasPrefix("error: the plan grew past 5000 nodes, most of them of recipe 'up'"))
        }
    }

    @Test func aRecursionPastTheDepthLimitIsStoppedWithItsChainAndWhereItRecurses() throws {
        let s = try Sandbox([
            "up":
                "summary: u\ninputs:\n  i: {type: int}\n  mode: {default: x}\nneeds:\n"
                + "  next: {recipe: up, with: {i: \"${{ inputs.i + 1 }}\"}}\nrun: echo\n"
        ])
        defer { s.cleanUp() }
        #expect(
            throws: WorkflowError.self,
            performing: { try s.plan("up", ["i": 0], depthLimit: 100) })
        do { _ = try s.plan("up", ["i": 0], depthLimit: 100) } catch {
            #expect(
                "\(error)"
                    == "\(s.root)/recipes/up.yaml:6:3: error: needs go more than 100 levels deep, a recursion without "
                    + "end? (does its 'if:' ever turn false?): up[i=0] -> up[i=1] -> up[i=2] -> … 96 more … -> "
                    + "up[i=99] -> up[i=100] -> up[i=101]")
        }
        // A chain within the limit plans.
        let chain = try Sandbox([
            "down":
                "summary: d\ninputs:\n  i: {type: int}\nneeds:\n"
                + "  prev: {recipe: down, with: {i: \"${{ inputs.i - 1 }}\"}, if: \"${{ inputs.i > 0 }}\"}\nrun: echo\n"
        ])
        defer { chain.cleanUp() }
        #expect(try chain.plan("down", ["i": 100], depthLimit: 100).nodes.count == 101)
    }
}
