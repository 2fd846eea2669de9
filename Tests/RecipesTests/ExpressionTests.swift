import Testing

@testable import Recipes

@Suite("expressions")
struct ExpressionTests {
    let scope = Scope(
        roots: [
            "inputs": ["n": 4, "name": "digits", "rate": 0.5, "flag": true, "list": ["a", "b"], "empty": ""],
            "recipe": ["name": "r", "dir": "/somewhere/r"],
        ], latePrefixes: [["needs"]])

    func eval(_ text: String) throws -> Value {
        try Template(text).evaluate(in: scope)
    }

    @Test func aWholeExpressionKeepsItsType() throws {
        #expect(try eval("${{ inputs.n }}") == .int(4))
        #expect(try eval("${{ inputs.n * 2 + 1 }}") == .int(9))
        #expect(try eval("${{ inputs.n / 8 }}") == .double(0.5))
        #expect(try eval("${{ inputs.rate > 0.25 && inputs.flag }}") == .bool(true))
        #expect(try eval("${{ range(inputs.n) }}") == .list([0, 1, 2, 3]))
    }

    @Test func textAroundExpressionsMakesAString() throws {
        #expect(try eval("n=${{ inputs.n }}, ${{ inputs.name }}") == .string("n=4, digits"))
        #expect(try eval("$${{ literal }}") == .string("${{ literal }}"))
        #expect(try eval("plain") == .string("plain"))
    }

    @Test func operatorsAndFunctions() throws {
        #expect(try eval("${{ !inputs.flag || inputs.n == 4 }}") == .bool(true))
        #expect(try eval("${{ inputs.empty || 'fallback' }}") == .string("fallback"))
        #expect(try eval("${{ join(inputs.list, '+') }}") == .string("a+b"))
        #expect(try eval("${{ len(inputs.list) }}") == .int(2))
        #expect(try eval("${{ contains(inputs.list, 'b') }}") == .bool(true))
        #expect(try eval("${{ inputs.list[1] }}") == .string("b"))
        #expect(try eval("${{ inputs.list[-1] }}") == .string("b"))
        #expect(try eval("${{ quote(\"it's\") }}") == .string("'it'\\''s'"))
        #expect(try eval("${{ max(3, inputs.n, 2) }}") == .int(4))
        #expect(try eval("${{ int('12') + float(1) }}") == .double(13))
        #expect(try eval("${{ basename(recipe.dir) }}") == .string("r"))
        #expect(try eval("${{ (inputs.n - 1) % 2 }}") == .int(1))
        #expect(try eval("${{ 'a' < 'b' }}") == .bool(true))
        #expect(try eval("${{ 1 == 1.0 }}") == .bool(true))
    }

    @Test func namesThatDoNotExistAreErrorsWithSuggestions() throws {
        let error = #expect(throws: RecipeError.self) { try eval("${{ inputs.nme }}") }
        #expect(
            error.map { "\($0)" } == "error: expression names nothing: 'inputs.nme'; did you mean 'inputs.name'? "
                + "(known here: inputs.empty, inputs.flag, inputs.list, inputs.n, inputs.name, inputs.rate)")
    }

    @Test func lateReferencesAreErrorsOrTheirOwnText() throws {
        let t = try Template("cat ${{ needs.data.outputs.file }}")
        #expect(try t.evaluate(in: scope, late: .sourceText) == .string("cat ${{ needs.data.outputs.file }}"))
        #expect(throws: RecipeError.self) { try t.evaluate(in: scope, late: .error(field: "'if'")) }
    }

    @Test func syntaxErrorsSayWhat() throws {
        for (text, problem) in [
            ("${{ inputs.n = 1 }}", "'=' is not an operator; compare with '=='"),
            ("${{ inputs.n + }}", "the expression is empty or ends too soon"),
            ("${{ 1 < 2 < 3 }}", "comparisons do not chain; use '&&'"),
            ("${{ lenn(inputs.list) }}", "unknown function 'lenn'; did you mean 'len'?"),
            ("${{ 'open }}", "unterminated string"),
            ("${{ inputs.n", "'${{' is not closed by '}}'"),
        ] {
            do {
                _ = try Template(text)
                Issue.record("\(text) parsed")
            } catch {
                #expect("\(error)".hasSuffix(problem), "\(error)")
            }
        }
    }

    @Test func typeErrorsAreErrorsNotCrashes() throws {
        #expect(throws: RecipeError.self) { try eval("${{ inputs.name * 2 }}") }
        #expect(throws: RecipeError.self) { try eval("${{ inputs.n / 0 }}") }
        #expect(throws: RecipeError.self) { try eval("${{ inputs.list[7] }}") }
        #expect(throws: RecipeError.self) { try eval("${{ range(10000000) }}") }
        #expect(throws: RecipeError.self) { try eval("${{ 9223372036854775807 + 1 }}") }
    }

    @Test func hyphenatedNamesAndSubtraction() throws {
        let s = Scope(roots: ["needs": ["train-data": ["outputs": ["n": 5]]], "inputs": ["a": 3, "b": 1]])
        #expect(try Template("${{ needs.train-data.outputs.n }}").evaluate(in: s) == .int(5))
        #expect(try Template("${{ inputs.a - inputs.b }}").evaluate(in: s) == .int(2))
        #expect(try Template("${{ inputs.a-1 }}").evaluate(in: s) == .int(2))
    }
}
