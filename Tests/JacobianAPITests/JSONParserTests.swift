import TestSupport
import Testing
@testable import JacobianAPI

@Suite struct JSONParserTests {
    let parser = JSONParser()

    func parse(_ text: String) throws -> JSONValue { try parser.parse(Array(text.utf8)) }

    func syntaxError(_ text: String) -> JSONParser.SyntaxError? {
        do {
            _ = try parser.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2.5e3, 0.125], "b": {"c": null, "d": true, "e": false}, "s": "x\n\u00e9\ud83d\ude00"} "#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b", "s"])
        #expect(object["a"] == .numbers([1, -2500, 0.125]))
        #expect(object["s"] == .string("x\né😀"))
    }

    @Test func reportsLineAndColumnOfTheFirstError() {
        let error = syntaxError("{\"a\": [1,2,\n   x]}")
        #expect(error?.line == 2)
        #expect(error?.column == 4)
        #expect(error?.message.contains("unexpected character 'x'") == true)
    }

    @Test func columnsCountCharactersNotBytes() {
        let error = syntaxError("{\"é\": tru}")
        #expect(error?.line == 1)
        #expect(error?.column == 7)
    }

    @Test(arguments: [
        ("[01]", "leading zeros"), ("[1.]", "digit after '.'"), ("[1e]", "exponent"), ("[-]", "expected a digit"),
        ("[1,]", "expected a value"), ("{\"a\" 1}", "expected ':'"), ("{\"a\":1,}", "member name"),
        ("{\"a\":1,\"a\":2}", "duplicate member name"), ("\"abc", "unterminated string"),
        ("\"a\u{01}b\"", "control character"), ("\"\\x\"", "invalid escape"), ("\"\\ud800\"", "unpaired high surrogate"),
        ("\"\\udc00\"", "unpaired low surrogate"), ("[1e400]", "outside the range"), ("[NaN]", "expected a value"),
        ("[1] [2]", "after the end"), ("", "unexpected end of input"), ("nul", "expected 'null'"),
    ])
    func refusesMalformedDocuments(text: String, expected: String) {
        let error = syntaxError(text)
        #expect(error != nil, "accepted \(text)")
        #expect(error?.message.contains(expected) == true, "\(text): \(error?.message ?? "")")
    }

    /// Strings with escapes are assembled run by run (a URDF in a request body has escapes on every line): what
    /// comes back is exactly the text that was escaped, and bad UTF-8 in a run after an escape is still refused.
    @Test func stringsWithManyEscapesParseToTheirText() throws {
        let text = (0..<200).map { "<joint name=\"j\($0)\" é=\"😀\"/>\t\\ /" }.joined(separator: "\n")
        #expect(try parse(String(decoding: JSONWriter.bytes(.string(text)), as: UTF8.self)) == .string(text))
        #expect(try parse(#""a\nb\u00e9\ud83d\ude00c""#) == .string("a\nbé😀c"))
        #expect(throws: JSONParser.SyntaxError.self) { try parser.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParser.SyntaxError.self) { try parser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func deepNestingIsRefusedWithoutRecursingFurther() {
        let error = syntaxError(String(repeating: "[", count: 100_000))
        #expect(error?.message.contains("nesting deeper than 64") == true)
        #expect((try? parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))) != nil)
    }

    @Test func writerPrintsShortestRoundTripNumbers() throws {
        for number in [0.1, 13.0, -0.0, 1.0 / 3, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e20, 123456.789] {
            let text = JSONWriter.format(number)
            #expect(Double(text) == number)
            #expect(!text.hasSuffix(".0"))
        }
        #expect(JSONWriter.format(13) == "13")
    }

    @Test func writerEscapesStringsAndRoundTrips() throws {
        let value = JSONValue.object(["k\"ey": .string("line\nbreak\u{01}\"\\"), "n": .numbers([1.5, -2])])
        #expect(try parse(String(decoding: JSONWriter.bytes(value), as: UTF8.self)) == value)
    }
}

/// Hostile input: random bytes and random mutations of a valid request never crash the parser, and whatever it
/// accepts re-encodes to a document it parses to the same value.
@Suite struct JSONParserFuzzTests {
    static let seed = Array(#"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3"]}, "point": [-0.5, 1e3, 2.5E-2], "s": "\u00e9\n", "t": true, "n": null}"#.utf8)
    static let alphabet = Array(#"{}[]:,"\-+.eE0123456789 tfnul\u"#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF]

    func check(_ bytes: [UInt8]) {
        let parser = JSONParser()
        guard let value = try? parser.parse(bytes) else { return }
        #expect((try? parser.parse(JSONWriter.bytes(value))) == value, "round trip failed for \(String(decoding: bytes, as: UTF8.self))")
    }

    @Test func randomMutationsOfAValidDocument() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<3_000 {
            var bytes = Self.seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = Self.alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(Self.alphabet.randomElement(using: &random)!, at: index)
                }
                if bytes.isEmpty { break }
            }
            check(bytes)
        }
    }

    @Test func randomByteStrings() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...64, using: &random)
            check((0..<count).map { _ in Self.alphabet.randomElement(using: &random)! })
        }
    }
}
