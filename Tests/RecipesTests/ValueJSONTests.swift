import Testing

@testable import Recipes

@Suite("values as JSON")
struct ValueJSONTests {
    @Test func canonicalJSONSortsKeysAndIsStable() {
        let v: Value = ["b": [1, 2.5, true, nil], "a": "x\"y\n", "c": ["z": 1, "y": 2]]
        #expect(v.canonicalJSON == #"{"a":"x\"y\n","b":[1,2.5,true,null],"c":{"y":2,"z":1}}"#)
    }

    @Test func roundTrip() throws {
        let v: Value = ["text": "héllo \u{1} tab\t", "n": -12, "d": 1e-7, "nested": [["k": []], [:]], "big": 1.0]
        #expect(try Value.parseJSON(v.canonicalJSON) == v)
        #expect(try Value.parseJSON(v.prettyJSON()) == v)
    }

    @Test func parsesEscapesAndSurrogates() throws {
        #expect(try Value.parseJSON(#""\u00e9\ud83d\ude00\/""#) == .string("é😀/"))
    }

    @Test func badJSONIsAnErrorWithAnOffset() {
        for text in ["{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "[1] x", "{\"a\":\u{1}}"] {
            #expect(throws: JSONParseError.self) { try Value.parseJSON(text) }
        }
    }

    @Test func deepNestingIsRefused() {
        #expect(throws: JSONParseError.self) { try Value.parseJSON(String(repeating: "[", count: 10_000)) }
    }
}
