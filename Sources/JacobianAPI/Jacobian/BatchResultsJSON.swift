import Foundation
import JacobianEngine

/// The elements of a flat batch's `results` array, `{"value":[…],"jacobian":[[…],…]}` per point, written in
/// parallel chunks straight into raw memory and joined into the answer.
///
/// Printing the numbers is most of the cost of a large decimal answer (1.2 million doubles for 100,000 points of
/// a 3×3 function). The general `JSONWriter` keeps a comma flag per open array and grows an array per number;
/// here the layout is fixed, so every byte is stored once into a chunk's buffer, and the chunks are copied once,
/// in parallel, into the answer's own storage. The text is `JSONWriter`'s byte for byte (same `DecimalText`, same
/// structure), which the tests check across chunk boundaries.
enum BatchResultsJSON {
    /// Points per chunk at least: smaller batches are one chunk, on the calling thread.
    static let minimumChunk = 2048

    /// Appends the batch's results as elements of `writer`'s open array.
    static func write(_ batch: JacobianBatch, into writer: inout JSONWriter, minimumChunk: Int = minimumChunk) {
        guard batch.count > 0 else { return }
        let chunkCount = max(1, min(8 * ProcessInfo.processInfo.activeProcessorCount, batch.count / max(minimumChunk, 1)))
        let chunkSize = (batch.count + chunkCount - 1) / chunkCount
        let chunks = ChunkSlots(count: chunkCount)
        defer { chunks.deallocate() }
        batch.values.withUnsafeBufferPointer { values in
            batch.jacobians.withUnsafeBufferPointer { jacobians in
                let source = Source(values: values, jacobians: jacobians, rows: batch.rows, columns: batch.columns)
                BatchParallelism.forEach(chunkCount) { chunk in
                    let range = (chunk * chunkSize)..<min(batch.count, (chunk + 1) * chunkSize)
                    chunks.buffers[chunk] = source.write(range, leadingComma: chunk > 0)
                }
            }
        }
        var ends = [0]
        for chunk in 0..<chunkCount { ends.append(ends[chunk] + chunks.buffers[chunk]!.count) }
        let offsets = ends
        writer.appendRawElements(count: offsets[chunkCount]) { output in
            let target = OutputBuffer(output: output)
            // Copying 16 MB is a few milliseconds of memory traffic: split like the printing.
            BatchParallelism.forEach(chunkCount) { chunk in
                let part = chunks.buffers[chunk]!
                (target.output.baseAddress! + offsets[chunk]).initialize(from: part.start, count: part.count)
            }
        }
    }

    /// The batch's two buffers, read by every chunk.
    private struct Source: @unchecked Sendable {
        let values: UnsafeBufferPointer<Double>
        let jacobians: UnsafeBufferPointer<Double>
        let rows: Int
        let columns: Int

        /// The most bytes one point's text can take: each number at most `DecimalText.maxLength` and a separator.
        var maxPointLength: Int { 32 + rows * (DecimalText.maxLength + 1) + rows * (2 + columns * (DecimalText.maxLength + 1)) }

        /// The points of `range` (a comma first when `leadingComma`), in a buffer the caller deallocates.
        func write(_ range: Range<Int>, leadingComma: Bool) -> TextBuffer {
            // Room for the typical text (about 18 bytes a number), grown when a point might not fit, so that a
            // batch of wide Jacobians does not reserve its worst case.
            var buffer = TextBuffer(capacity: range.count * (32 + rows * (columns + 1) * 20) + maxPointLength)
            var out = buffer.start
            @inline(__always) func byte(_ value: UInt8) {
                out.pointee = value
                out += 1
            }
            @inline(__always) func text(_ literal: StaticString) {
                out.initialize(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
                out += literal.utf8CodeUnitCount
            }
            @inline(__always) func number(_ value: Double) { out += DecimalText.write(value, to: out) }
            for point in range {
                if buffer.capacity - (out - buffer.start) < maxPointLength {
                    buffer.grow(keeping: out - buffer.start, toAtLeast: 2 * buffer.capacity + maxPointLength)
                    out = buffer.start + buffer.count
                }
                if point > range.lowerBound || leadingComma { byte(UInt8(ascii: ",")) }
                text(#"{"value":["#)
                let value = point * rows
                for row in 0..<rows {
                    if row > 0 { byte(UInt8(ascii: ",")) }
                    number(values[value + row])
                }
                text(#"],"jacobian":["#)
                for row in 0..<rows {
                    if row > 0 { byte(UInt8(ascii: ",")) }
                    byte(UInt8(ascii: "["))
                    let entry = (value + row) * columns
                    for column in 0..<columns {
                        if column > 0 { byte(UInt8(ascii: ",")) }
                        number(jacobians[entry + column])
                    }
                    byte(UInt8(ascii: "]"))
                }
                text("]}")
            }
            buffer.count = out - buffer.start
            return buffer
        }
    }

    /// Bytes of text in raw memory, `count` of `capacity` written.
    struct TextBuffer {
        private(set) var start: UnsafeMutablePointer<UInt8>
        private(set) var capacity: Int
        var count = 0

        init(capacity: Int) {
            start = .allocate(capacity: capacity)
            self.capacity = capacity
        }

        /// Moves the first `kept` bytes into a buffer of at least `minimum` bytes.
        mutating func grow(keeping kept: Int, toAtLeast minimum: Int) {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: minimum)
            larger.initialize(from: start, count: kept)
            start.deallocate()
            start = larger
            capacity = minimum
            count = kept
        }

        func deallocate() { start.deallocate() }
    }

    /// Each chunk's text, written by one thread each; it lives for one call.
    private struct ChunkSlots: @unchecked Sendable {
        let buffers: UnsafeMutableBufferPointer<TextBuffer?>

        init(count: Int) {
            buffers = .allocate(capacity: count)
            buffers.initialize(repeating: nil)
        }

        func deallocate() {
            for buffer in buffers { buffer?.deallocate() }
            buffers.deallocate()
        }
    }

    /// The answer's storage, written by the chunks at disjoint ranges.
    private struct OutputBuffer: @unchecked Sendable {
        let output: UnsafeMutableBufferPointer<UInt8>
    }
}
