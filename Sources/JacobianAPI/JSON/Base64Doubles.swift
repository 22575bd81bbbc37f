import Foundation

/// Arrays of doubles as base64 of little-endian IEEE-754 binary64, row-major: how numerical clients (NumPy's
/// `tobytes()`, `np.frombuffer(..., "<f8")`) send and receive large batches without decimal text.
///
/// Encoding and decoding use Foundation's base64 (`Data(base64Encoded:)`, `base64EncodedData()`).
enum Base64Doubles {
    /// Decodes `text` into `count` rows of `width` finite doubles, or a 422 at `pointer`: malformed base64, a
    /// byte length other than count × width × 8, or a non-finite number (JSON points cannot hold one either).
    static func rows(_ text: String, count: Int, width: Int, at pointer: String) throws(Problem) -> [[Double]] {
        guard let data = Data(base64Encoded: text) else {
            throw Problem.invalid(pointer, "\(pointer) is not valid base64 (RFC 4648, with padding)")
        }
        let (total, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, total <= data.count / 8, data.count == total * 8 else {
            throw Problem.invalid(pointer,
                "\(pointer) holds \(data.count) bytes, but the shape [\(count), \(width)] needs \(count) × \(width) × 8")
        }
        var rows: [[Double]] = []
        rows.reserveCapacity(count)
        var failure: (row: Int, column: Int)?
        data.withUnsafeBytes { raw in
            for row in 0..<count where failure == nil {
                rows.append([Double](unsafeUninitializedCapacity: width) { buffer, initialized in
                    for column in 0..<width {
                        let offset = (row * width + column) * 8
                        let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                        let number = Double(bitPattern: bits)
                        if !number.isFinite, failure == nil { failure = (row, column) }
                        buffer[column] = number
                    }
                    initialized = width
                })
            }
        }
        if let failure {
            throw Problem.invalid(pointer, "\(pointer) holds a non-finite number at point \(failure.row), "
                + "entry \(failure.column); points must be finite")
        }
        return rows
    }
}

extension JSONWriter {
    /// A JSON string holding base64 of `numbers` as little-endian doubles; base64 needs no escaping, so its bytes
    /// are appended as they are.
    mutating func base64Doubles(_ numbers: [Double]) {
        var raw = [UInt8](repeating: 0, count: numbers.count * 8)
        raw.withUnsafeMutableBytes { buffer in
            for (index, number) in numbers.enumerated() {
                buffer.storeBytes(of: number.bitPattern.littleEndian, toByteOffset: index * 8, as: UInt64.self)
            }
        }
        appendRawString(Array(Data(raw).base64EncodedData()))
    }
}
