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

    /// A long array written on every core is the array written in order, byte for byte.
    @Test func parallelWritingKeepsTheOrder() throws {
        let items = (0..<20_000).map { Double($0) / 7 }
        var sequential = JSONWriter()
        sequential.beginArray()
        for item in items { sequential.number(item) }
        sequential.endArray()
        var parallel = JSONWriter()
        parallel.beginArray()
        try writeInParallel(items, into: &parallel, bytesPerItem: 20) { item, writer in writer.number(item) }
        parallel.endArray()
        #expect(parallel.bytes == sequential.bytes)
    }

    @Test func parallelWritingReportsAFailure() {
        var writer = JSONWriter()
        #expect(throws: Problem.self) {
            try writeInParallel(Array(0..<20_000), into: &writer, bytesPerItem: 8) { item, writer throws(Problem) in
                if item == 15_000 { throw Problem.invalid("/x", "fails") }
                writer.number(Double(item))
            }
        }
    }
}
