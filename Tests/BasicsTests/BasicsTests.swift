import Basics
import Foundation
import Testing

@Suite struct JSONStringTests {
    @Test func everyControlCharacterIsEscapedAndReadsBack() throws {
        let text = "a\"b\\c\n\r\t\u{0}\u{1}\u{8}\u{c}\u{1f} é ✓"
        let quoted = JSONString.quoted(text)
        #expect(quoted == #""a\"b\\c\n\r\t\u0000\u0001\u0008\u000c\u001f é ✓""#)
        let back = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: [.fragmentsAllowed])
        #expect(back as? String == text)
    }

    @Test func anEscapeAnywhereInALongStringIsFound() throws {
        // The fast path reads eight bytes at a time: put each special character at every position of strings
        // shorter and longer than a word, beside non-ASCII text (whose bytes are all above 0x7F).
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}"] {
            for (length, filler) in [1, 7, 8, 9, 17].flatMap({ n in ["a", "é"].map { (n, $0) } }) {
                for at in 0..<length {
                    var chars = Array(repeating: filler, count: length)
                    chars[at] = special
                    let text = chars.joined()
                    let back = try JSONSerialization.jsonObject(
                        with: Data(JSONString.quoted(text).utf8), options: [.fragmentsAllowed])
                    #expect(back as? String == text, "\(length) \(at)")
                }
            }
        }
        #expect(
            JSONString.quoted("a plain sixty-four byte digest, or so; 0123456789abcdef ~{}")
                == "\"a plain sixty-four byte digest, or so; 0123456789abcdef ~{}\"")
    }

    @Test func appendingToBytesWritesTheSame() {
        var bytes = Array("x".utf8)
        JSONString.append("tab\there", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"x"tab\there""#)
    }
}

@Suite struct MLLogLineTests {
    @Test func readsKeyValueAndMetadata() throws {
        let line = #":::MLLOG {"key": "result_validity", "value": "VALID", "metadata": {"is_error": true}}"#
        let entry = try #require(MLLogLine(line))
        #expect(entry.key == "result_validity")
        #expect(entry.value as? String == "VALID")
        #expect(entry.isError)
        let plain = try #require(MLLogLine(#":::MLLOG {"key": "run_stop", "value": null}"#))
        #expect(plain.value is NSNull)
        #expect(!plain.isError)
        #expect(plain.metadata.isEmpty)
    }

    @Test func otherLinesAreNotEntries() {
        #expect(MLLogLine("MLLOG {\"key\": \"x\"}") == nil)
        #expect(MLLogLine(":::MLLOG {\"key\": 3}") == nil)
        #expect(MLLogLine(":::MLLOG {not json") == nil)
        #expect(MLLogLine(":::MLLOG [1, 2]") == nil)
    }
}

@Suite struct CPUInfoTests {
    @Test func readsTheFirstProcessorAndCountsSockets() {
        let text = """
            processor\t: 0
            model name\t: AMD EPYC 9R14 96-Core Processor
            physical id\t: 0
            cpu MHz\t\t: 3693.060
            cache size\t: 1024 KB

            processor\t: 1
            model name\t: other
            physical id\t: 1
            cpu MHz\t\t: 1.0
            """
        let info = CPUInfo(parsing: text)
        #expect(info.model == "AMD EPYC 9R14 96-Core Processor")
        #expect(info.sockets == 2)
        #expect(info.mhz == 3693.06)
        #expect(info.cache == "1024 KB")
        #expect(CPUInfo(parsing: "").sockets == 1)
        #expect(CPUInfo(parsing: "").model == nil)
    }
}

@Suite struct CommandTests {
    @Test func collectsOutputAndStatus() {
        let r = Command.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(r.stdout == "out\n")
        #expect(r.stderr == "err\n")
        #expect(r.status == 3)
        #expect(!r.succeeded)
        #expect(Command.run(["true"]).succeeded)
    }

    @Test func aFailureSaysTheCommandItsStatusAndItsLastLines() throws {
        let r = Command.run(["sh", "-c", "for i in $(seq 1 30); do echo line $i >&2; done; exit 2"])
        #expect(
            ProgramReport(r, tailLines: 3).description
                == "command: sh -c 'for i in $(seq 1 30); do echo line $i >&2; done; exit 2'\n"
                + "exit status 2; the last 3 lines of its output:\n  | line 28\n  | line 29\n  | line 30")
    }

    @Test func aMissingProgramATimeoutAndASignalAreSaidAsSuch() {
        let missing = Command.run(["no-such-program-repro"])
        #expect(missing.status == 127)
        let slow = Command.run(["sleep", "30"], timeout: 0.2)
        #expect(slow.timedOut)
        #expect(ProgramReport(slow).details == "stopped: it did not finish in time; it printed nothing")
        let killed = Command.run(["sh", "-c", "kill -9 $$"])
        #expect(killed.signal == 9)
        #expect(ProgramReport(killed).ending == "killed by SIGKILL")
    }

    @Test func mergedOutputKeepsItsOrderAndADirectoryIsUsed() {
        let r = Command.run(["sh", "-c", "pwd; echo a; echo b >&2; echo c"], directory: "/tmp", mergeOutput: true)
        #expect(r.stdout == "/tmp\na\nb\nc\n")
        #expect(r.stderr.isEmpty)
    }

    @Test func shellQuotingLeavesPlainWordsAlone() {
        #expect(ShellQuoting.quote("a-b_c/d.e") == "a-b_c/d.e")
        #expect(ShellQuoting.quote("it's") == #"'it'\''s'"#)
        #expect(ShellQuoting.quote("") == "''")
        #expect(Command.display(["echo", "two words"]) == "echo 'two words'")
    }
}

@Suite struct ClockTests {
    @Test func monotonicTimeAdvancesAndTheStampsHaveTheirShape() {
        let a = Clock.monotonicNanoseconds()
        Clock.sleep(0.01)
        let b = Clock.monotonicNanoseconds()
        #expect(b - a >= 10_000_000)
        #expect(Clock.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(Clock.compactStamp(86_400 + 3_723) == "19700102-010203")
    }
}
