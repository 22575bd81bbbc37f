import JacobianEngine
import Testing
import TestSupport
@testable import JacobianAPI

/// The batch writer's chunks, written in parallel into raw memory and joined, give the general writer's text
/// byte for byte, at every chunk boundary.
@Suite struct BatchResultsJSONTests {
    /// A batch of random numbers of every kind the printer distinguishes: whole numbers (the integer path, -0
    /// included), fractions, huge and tiny magnitudes, subnormals.
    func randomBatch(count: Int, rows: Int, columns: Int, seed: UInt64) -> JacobianBatch {
        var generator = SeededGenerator(seed: seed)
        func number() -> Double {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return [0, -0.0, 1, -7, 1e15, 999_999_999_999_999, 4_503_599_627_370_497].randomElement(using: &generator)!
            case 1: return Double.random(in: -1...1, using: &generator)
            case 2: return Double.random(in: -1e6...1e6, using: &generator).rounded()
            case 3: return Double.random(in: -1e-300...1e-300, using: &generator) * 1e-15  // Subnormal or tiny.
            case 4:
                let value = Double(bitPattern: generator.next())
                return value.isFinite ? value : 0.5
            default: return Double.random(in: -1e20...1e20, using: &generator)
            }
        }
        return JacobianBatch(count: count, rows: rows, columns: columns,
                             values: (0..<(count * rows)).map { _ in number() },
                             jacobians: (0..<(count * rows * columns)).map { _ in number() })
    }

    /// The results array as the general writer writes it, one element at a time.
    func serialText(_ batch: JacobianBatch) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginArray()
        for index in 0..<batch.count {
            writer.beginObject()
            writer.key("value")
            writer.numbers(batch.value(at: index))
            writer.key("jacobian")
            writer.beginArray()
            for row in 0..<batch.rows { writer.numbers(batch.jacobianRow(row, at: index)) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        return writer.bytes
    }

    func batchText(_ batch: JacobianBatch, minimumChunk: Int = BatchResultsJSON.minimumChunk) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginArray()
        BatchResultsJSON.write(batch, into: &writer, minimumChunk: minimumChunk)
        writer.endArray()
        return writer.bytes
    }

    @Test(arguments: [1, 2, 2047, 2048, 2049, 4095, 4097, 20_003])
    func parallelChunksEqualTheSerialText(count: Int) {
        let batch = randomBatch(count: count, rows: 3, columns: 3, seed: UInt64(count))
        let expected = serialText(batch)
        #expect(batchText(batch) == expected)
        // Many small chunks: every boundary between chunks falls somewhere inside the answer.
        #expect(batchText(batch, minimumChunk: 1) == expected)
        #expect(batchText(batch, minimumChunk: 7) == expected)
        // The calling thread alone writes the same text.
        BatchParallelism.$current.withValue(.callingThread) {
            #expect(batchText(batch, minimumChunk: 3) == expected)
        }
    }

    @Test(arguments: [(1, 1), (2, 5), (5, 2), (1, 0), (4, 40)])
    func otherShapesEqualTheSerialText(rows: Int, columns: Int) throws {
        let batch = randomBatch(count: 3001, rows: rows, columns: columns, seed: UInt64(rows * 100 + columns))
        let text = batchText(batch, minimumChunk: 100)
        #expect(text == serialText(batch))
        // And it is JSON that reads back to the batch's numbers.
        guard case .array(let results) = try JSONParser().parse(text) else { Issue.record("not an array"); return }
        #expect(results.count == batch.count)
        guard case .object(let last) = results.last else { Issue.record("not an object"); return }
        #expect(last["value"] == .numbers(Array(batch.value(at: batch.count - 1))))
    }

    /// Numbers longer than the writer's estimate (24 characters each) make every chunk's buffer grow, several
    /// times over, without losing or reordering a byte.
    @Test func chunkBuffersGrowForLongNumbers() {
        let long = -2.2250738585072014e-308
        let batch = JacobianBatch(count: 5000, rows: 3, columns: 3,
                                  values: (0..<15_000).map { long * Double(1 + $0 % 7) },
                                  jacobians: (0..<45_000).map { long * Double(1 + $0 % 5) })
        #expect(batchText(batch, minimumChunk: 600) == serialText(batch))
    }

    /// Elements appended after others get their comma; an empty batch appends nothing.
    @Test func elementsFollowExistingOnes() {
        let batch = randomBatch(count: 5, rows: 2, columns: 2, seed: 9)
        var writer = JSONWriter()
        writer.beginArray()
        writer.number(1)
        BatchResultsJSON.write(batch, into: &writer, minimumChunk: 2)
        BatchResultsJSON.write(JacobianBatch(count: 0, rows: 2, columns: 2, values: [], jacobians: []), into: &writer)
        writer.endArray()
        var expected = serialText(batch)
        expected.insert(contentsOf: Array("1,".utf8), at: 1)
        #expect(writer.bytes == expected)
    }
}
