import Recipes
import Runners
import Testing

@Suite struct InputArgumentsTests {
    @Test func wordsBecomeStringInputsAndDottedOnesOverrides() throws {
        let parsed = try InputArguments.parse(["scenario=Offline", "note=a=b", "empty=", "digits-dataset.mirror=x"])
        #expect(parsed.inputs["scenario"]?.value == .string("Offline"))
        #expect(parsed.inputs["note"]?.value == .string("a=b"))
        #expect(parsed.inputs["empty"]?.value == .string(""))
        #expect(parsed.overrides["digits-dataset"]?["mirror"]?.value == .string("x"))
        #expect(parsed.inputs["digits-dataset.mirror"] == nil)
    }

    @Test func aWordWithoutANameIsAnError() {
        for word in ["Offline", "=5"] {
            let error = #expect(throws: InputArguments.Problem.self) { try InputArguments.parse([word]) }
            #expect(
                error?.description == "error: expected an input as name=value (or NODE.name=value), found '\(word)'")
        }
        let dotted = #expect(throws: InputArguments.Problem.self) { try InputArguments.parse(["a.=1"]) }
        #expect(dotted?.description == "error: expected NODE.name=value, found 'a.=1'")
    }
}
