/// The text of a JSON number: the shortest decimal that reads back to the same double (Swift's own shortest
/// round-trip conversion), with whole numbers below 10^15 as plain digits and no trailing ".0" (13.0 is `13`).
/// Written straight into raw memory, so that `JSONWriter` and the batch writer (`BatchResultsJSON`), which
/// prints a million numbers per large answer, share one rule and neither builds a `String`.
enum DecimalText {
    /// The most bytes a number's text takes; the longest shortest forms have 24 ("-2.2250738585072014e-308").
    static let maxLength = 32

    /// Writes the text of `number` (finite: JSON has no infinities or NaN) at `output`, which has room for
    /// `maxLength` bytes, and returns its length.
    @inline(__always)
    static func write(_ number: Double, to output: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(number.isFinite, "JSON has no representation for \(number)")
        // Whole numbers (the zeros of a sparse Jacobian, counts, shapes) print as their digits, as `description`
        // does below 1e16 once its ".0" is dropped, without the general shortest-digits search.
        if number.rounded(.towardZero) == number, abs(number) < 1e15 { return writeInteger(number, to: output) }
        var stream = PointerStream(start: output)
        number.write(to: &stream)
        let count = stream.count
        if count >= 2, output[count - 1] == UInt8(ascii: "0"), output[count - 2] == UInt8(ascii: ".") {
            return count - 2
        }
        return count
    }

    /// A whole number below 10^15 in magnitude; -0.0 prints as `-0`, as its sign says.
    private static func writeInteger(_ number: Double, to output: UnsafeMutablePointer<UInt8>) -> Int {
        var length = 0
        if number.sign == .minus {
            output[0] = UInt8(ascii: "-")
            length = 1
        }
        var magnitude = UInt64(abs(number))
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var index = length + digits
        while index > length {
            index -= 1
            output[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        return length + digits
    }
}

/// Receives a number's digits from the standard library without making a `String` of them.
///
/// `Double.write(to:)` formats into a stack buffer and hands it to `_writeASCII`, a public (if underscored)
/// `TextOutputStream` requirement whose default would build a `String`; copying the bytes straight into the
/// output halves the cost of a number. `write(_:)` covers any other caller.
private struct PointerStream: TextOutputStream {
    let start: UnsafeMutablePointer<UInt8>
    var count = 0

    init(start: UnsafeMutablePointer<UInt8>) { self.start = start }

    mutating func write(_ string: String) {
        for byte in string.utf8 {
            precondition(count < DecimalText.maxLength, "a number's text is longer than DecimalText.maxLength")
            start[count] = byte
            count += 1
        }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress else { return }
        precondition(count + buffer.count <= DecimalText.maxLength, "a number's text is longer than DecimalText.maxLength")
        (start + count).initialize(from: base, count: buffer.count)
        count += buffer.count
    }
}
