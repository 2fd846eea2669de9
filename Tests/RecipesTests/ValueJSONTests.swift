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

    @Test func theReaderTakesMembersOneByOne() throws {
        let text =
            #"{"a": "x", "skip": {"deep": [1, "]", {"}": null}]}, "list": [1, 2], "raw": {"k": true}, "d": {"a":1,"a":2}}"#
        var seen: [String] = []
        var list: [Int] = []
        var raw: [UInt8] = []
        var duplicate: Value = .null
        try Value.readJSON(bytes: Array(text.utf8)) { r throws(JSONParseError) in
            try r.members { r, key throws(JSONParseError) in
                seen.append(key)
                switch key {
                case "a": #expect(try r.string() == "x")
                case "list": try r.elements { r throws(JSONParseError) in list.append(try r.value().intValue ?? -1) }
                case "raw": raw = try r.rawValue()
                case "d": duplicate = try r.value()
                default: try r.skip()
                }
            }
        }
        #expect(seen == ["a", "skip", "list", "raw", "d"])
        #expect(list == [1, 2])
        #expect(String(decoding: raw, as: UTF8.self) == #"{"k": true}"#)
        #expect(duplicate == ["a": 2])
    }

    @Test func theReaderSaysWhatItExpected() {
        func error(_ text: String, _ read: (inout JSONReader) throws(JSONParseError) -> Void) -> String? {
            #expect(throws: JSONParseError.self) { try Value.readJSON(bytes: Array(text.utf8), read) }?.reason
        }
        #expect(
            error("[1]") { r throws(JSONParseError) in try r.members { r, _ throws(JSONParseError) in try r.skip() } }
                == "expected an object")
        #expect(
            error("{}") { r throws(JSONParseError) in try r.elements { r throws(JSONParseError) in try r.skip() } }
                == "expected an array")
        #expect(error("7") { r throws(JSONParseError) in _ = try r.string() } == "expected a string")
        #expect(error("{} x") { r throws(JSONParseError) in try r.skip() } == "unexpected text after the value")
    }
}
