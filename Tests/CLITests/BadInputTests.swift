import Foundation
import Testing

/// Bad input gets a clear error naming the file, line and column, and exit status 2; nothing runs.
@Suite("bad input", .serialized)
struct BadInputTests {
    func expectError(_ recipes: [(String, String)], _ args: [String], _ expected: String) throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, text) in recipes { try cli.recipe(name, text) }
        let r = try cli.run(args)
        #expect(r.status == 2, "stderr: \(r.stderr)")
        #expect(r.stderr == expected + "\n")
        #expect(cli.entries().isEmpty)
    }

    @Test func malformedYAML() throws {
        try expectError(
            [("bad", "summary: x\ninputs:\n  n: {type: int\n")], ["run", "bad"],
            "recipes/bad.yaml:4:1: error: malformed YAML: did not find expected ',' or '}' "
                + "(while parsing a flow mapping at line 3, column 6)")
    }

    @Test func unknownFieldSuggestsTheNearName() throws {
        try expectError(
            [("typo", "summary: x\ntag: [a]\nrun: echo hi\n")], ["run", "typo"],
            "recipes/typo.yaml:2:1: error: unknown field 'tag' in recipe; did you mean 'tags'? "
                + "(known fields: name, summary, doc, tags, inputs, variations, needs, run, container, "
                + "outputs, metrics, env, cache, if, resources, timeout, retries, repeat, runner, assets)")
    }

    @Test func unknownFieldInAnInput() throws {
        try expectError(
            [("x", "summary: x\ninputs:\n  n: {type: int, defualt: 3}\nrun: echo\n")], ["plan", "x"],
            "recipes/x.yaml:3:18: error: unknown field 'defualt' in input 'n'; did you mean 'default'? "
                + "(known fields: type, default, doc, choices, items)")
    }

    @Test func wrongInputTypeOnTheCommandLine() throws {
        try expectError(
            [("typed", "summary: x\ninputs:\n  n: {type: int, default: 3}\nrun: echo ${{ inputs.n }}\n")],
            ["run", "typed", "n=abc"],
            "error: input 'n' of recipe 'typed' expects an int, found the string 'abc'\n"
                + "recipes/typed.yaml:3:3: note: 'n' is declared here")
    }

    @Test func wrongInputTypeInARecipe() throws {
        try expectError(
            [
                ("child", "summary: c\ninputs:\n  epochs: {type: int}\nrun: echo\n"),
                ("parent", "summary: p\nneeds:\n  c:\n    recipe: child\n    with: {epochs: many}\nrun: echo\n"),
            ],
            ["run", "parent"],
            "recipes/parent.yaml:5:20: error: input 'epochs' of recipe 'child' expects an int, found the string 'many'")
    }

    @Test func wrongDefaultType() throws {
        try expectError(
            [("d", "summary: x\ninputs:\n  n: {type: int, default: three}\nrun: echo\n")], ["run", "d"],
            "recipes/d.yaml:3:27: error: input 'n' of recipe 'd' expects an int, found the string 'three'")
    }

    @Test func missingRequiredInput() throws {
        try expectError(
            [("req", "summary: x\ninputs:\n  n: {type: int}\nrun: echo ${{ inputs.n }}\n")], ["run", "req"],
            "error: recipe 'req' needs a value for input 'n' (it has no default); give it as n=VALUE\n"
                + "recipes/req.yaml:3:3: note: 'n' is declared here")
    }

    @Test func unknownInputName() throws {
        try expectError(
            [("x", "summary: x\ninputs:\n  seed: {default: 1}\nrun: echo\n")], ["run", "x", "sed=2"],
            "error: recipe 'x' has no input 'sed'; did you mean 'seed'? (inputs: seed)")
    }

    @Test func unknownRecipeInNeeds() throws {
        try expectError(
            [
                ("needs", "summary: x\nneeds:\n  data: {recipe: dataset-digts}\nrun: echo hi\n"),
                ("dataset-digits", "summary: d\nrun: echo\n"),
            ],
            ["run", "needs"],
            "recipes/needs.yaml:3:3: error: no recipe named 'dataset-digts'; did you mean 'dataset-digits'?")
    }

    @Test func cycle() throws {
        try expectError(
            [
                ("cyc-a", "summary: a\nneeds:\n  b: {recipe: cyc-b}\nrun: echo a\n"),
                ("cyc-b", "summary: b\nneeds:\n  a: {recipe: cyc-a}\nrun: echo b\n"),
            ],
            ["run", "cyc-a"],
            "recipes/cyc-b.yaml:3:3: error: the recipes depend on each other in a cycle: cyc-a -> cyc-b -> cyc-a")
    }

    @Test func expressionThatNamesNothing() throws {
        try expectError(
            [("noname", "summary: x\ninputs:\n  seed: {type: int, default: 1}\nrun: echo ${{ inputs.sed }}\n")],
            ["run", "noname"],
            "recipes/noname.yaml:4:6: error: expression names nothing: 'inputs.sed'; did you mean "
                + "'inputs.seed'? (known here: inputs.seed)")
    }

    @Test func expressionThatNamesAMissingNeed() throws {
        try expectError(
            [
                ("x", "summary: x\nneeds:\n  data: {recipe: y}\nrun: cat ${{ needs.dat.outputs.file }}\n"),
                ("y", "summary: y\nrun: echo\n"),
            ],
            ["run", "x"],
            "recipes/x.yaml:4:6: error: expression names nothing: 'needs.dat'; did you mean 'needs.data'? "
                + "(known here: needs.data)")
    }

    @Test func expressionSyntax() throws {
        try expectError(
            [("x", "summary: x\nrun: echo ${{ inputs.a = 1 }}\n")], ["run", "x"],
            "recipes/x.yaml:2:6: error: in expression 'inputs.a = 1': '=' is not an operator; compare with '=='")
    }

    @Test func unknownVariation() throws {
        try expectError(
            [
                (
                    "v",
                    "summary: x\nvariations:\n  small: {group: size, default: true}\n  large: {group: size}\nrun: echo\n"
                )
            ],
            ["run", "v,_smal"],
            "error: recipe 'v' has no variation 'smal'; did you mean 'small'? (variations: small, large)")
    }

    @Test func twoVariationsOfOneGroup() throws {
        try expectError(
            [("v", "summary: x\nvariations:\n  small: {group: size}\n  large: {group: size}\nrun: echo\n")],
            ["run", "v,_small,_large"],
            "error: variations 'small', 'large' of recipe 'v' are both in group 'size'; choose one")
    }

    @Test func ambiguousSelectionListsTheCandidates() throws {
        try expectError(
            [
                ("a", "summary: a\ntags: [dataset, digits]\nrun: echo\n"),
                ("b", "summary: b\ntags: [dataset, digits, big]\nrun: echo\n"),
            ],
            ["run", "dataset,digits"],
            "error: 'dataset,digits' matches 2 recipes: 'a', 'b'; add a tag or use a name to choose one")
    }

    @Test func unknownSelection() throws {
        try expectError(
            [("demo", "summary: a\nrun: echo\n")], ["run", "dmeo"],
            "error: no recipe named 'dmeo'; did you mean 'demo'?")
    }

    @Test func unknownAction() throws {
        try expectError(
            [("x", "summary: x\nrun:\n  action: wrte-file\n  with: {path: a, text: b}\n")], ["run", "x"],
            "recipes/x.yaml:3:11: error: no built-in action 'wrte-file'; did you mean 'write-file'? "
                + "(actions: accuracy, audit, detect, extract, fetch, git, imagenet-preprocess, loadgen, model, power, "
                + "preprocess, submission, table, train, training-submission, write-file)"
        )
    }
}
