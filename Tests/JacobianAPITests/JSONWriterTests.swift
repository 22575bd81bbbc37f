import Testing
import TestSupport
@testable import JacobianAPI

@Suite struct JSONWriterTests {
    /// Numbers are written straight from the standard library's digits: the same shortest round-trip text as
    /// `description`, without a trailing ".0", and they parse back to the same double.
    @Test func numbersAreShortestRoundTrip() throws {
        var generator = SeededGenerator(seed: 7)
        var samples: [Double] = [0, -0.0, 1, -13, 0.1, 1e-7, 1e22, 123456789012345680, .leastNonzeroMagnitude,
                                 .greatestFiniteMagnitude, -2.5e-308, 999_999_999_999_999, 1e15, -1e15, 1e16, 65536, -7]
        for _ in 0..<2_000 {
            samples.append(Double(bitPattern: generator.next()))
            samples.append(Double.random(in: -1e6...1e6, using: &generator))
            samples.append(Double.random(in: -1e17...1e17, using: &generator).rounded())
        }
        for number in samples where number.isFinite {
            let text = JSONWriter.format(number)
            var expected = number.description
            if expected.hasSuffix(".0") { expected.removeLast(2) }
            #expect(text == expected)
            #expect(try JSONParser().parse(Array(text.utf8)) == .number(number))
        }
    }

    @Test func structureGetsItsCommas() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("a")
        writer.numbers([1, 2.5])
        writer.key("b")
        writer.beginArray()
        writer.beginObject()
        writer.endObject()
        writer.string("x\"y")
        writer.value(.object(["k": .null]))
        writer.endArray()
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"a":[1,2.5],"b":[{},"x\"y",{"k":null}]}"#)
    }
}
