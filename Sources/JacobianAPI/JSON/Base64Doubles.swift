import JacobianEngine

/// Arrays of doubles as base64 of little-endian IEEE-754 binary64, row-major: how numerical clients (NumPy's
/// `tobytes()`, `np.frombuffer(..., "<f8")`) send and receive large batches without decimal text.
///
/// Decoding goes from the request string's bytes straight into one `[Double]`; encoding from the batch's flat
/// buffers straight into the response (`Base64`), in parallel chunks for large arrays.
enum Base64Doubles {
    /// Decodes `text` into `count` × `width` finite doubles, row-major, or a 422 at `pointer`: malformed base64,
    /// a byte length other than count × width × 8, or a non-finite number (JSON points cannot hold one either).
    static func flat(_ text: String, count: Int, width: Int, at pointer: String) throws(Problem) -> [Double] {
        var text = text
        // Native strings are contiguous UTF-8, so this reads the request's bytes in place.
        return try text.withUTF8 { bytes in
            Result { () throws(Problem) in try flat(bytes, count: count, width: width, at: pointer) }
        }.get()
    }

    private static func flat(
        _ bytes: UnsafeBufferPointer<UInt8>, count: Int, width: Int, at pointer: String
    ) throws(Problem) -> [Double] {
        guard let byteCount = Base64.decodedCount(bytes) else {
            throw Problem.invalid(pointer, "\(pointer) is not valid base64 (RFC 4648, with padding)")
        }
        let (total, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, total <= byteCount / 8, byteCount == total * 8 else {
            throw Problem.invalid(pointer,
                "\(pointer) holds \(byteCount) bytes, but the shape [\(count), \(width)] needs \(count) × \(width) × 8")
        }
        var valid = true
        var numbers = [Double](unsafeUninitializedCapacity: total) { buffer, initialized in
            // A length that is a multiple of 8 bytes and decodes whole: the doubles' storage receives the bytes.
            if let base = buffer.baseAddress { valid = Base64.decode(bytes, into: UnsafeMutableRawPointer(base)) }
            initialized = total
        }
        guard valid else { throw Problem.invalid(pointer, "\(pointer) is not valid base64 (RFC 4648, with padding)") }
        #if _endian(big)
        for index in numbers.indices { numbers[index] = Double(bitPattern: UInt64(littleEndian: numbers[index].bitPattern)) }
        #endif
        if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
            throw Problem.invalid(pointer, "\(pointer) holds a non-finite number at point \(bad / max(width, 1)), "
                + "entry \(bad % max(width, 1)); points must be finite")
        }
        return numbers
    }
}

extension JSONWriter {
    /// Doubles per parallel encoding chunk: a multiple of 3, so each chunk's 24-byte groups encode to whole
    /// 32-character groups at a known offset.
    static let base64ChunkDoubles = 3 * 16_384

    /// A JSON string holding base64 of `numbers` as little-endian doubles; base64 needs no escaping, so its bytes
    /// are written straight into the output, chunks in parallel for large arrays.
    mutating func base64Doubles(_ numbers: [Double]) {
        #if _endian(big)
        let numbers = numbers.map { Double(bitPattern: $0.bitPattern.littleEndian) }
        #endif
        let byteCount = numbers.count * 8
        appendRawString(count: Base64.encodedCount(byteCount)) { output in
            numbers.withUnsafeBytes { raw in
                let chunkBytes = Self.base64ChunkDoubles * 8
                let chunks = (byteCount + chunkBytes - 1) / chunkBytes
                let shared = EncodingBuffers(source: raw, output: output)
                BatchParallelism.forEach(chunks) { chunk in
                    let start = chunk * chunkBytes, end = min(byteCount, start + chunkBytes)
                    Base64.encode(UnsafeRawBufferPointer(rebasing: shared.source[start..<end]),
                                  into: shared.output.baseAddress! + start / 3 * 4)
                }
            }
        }
    }
}

/// The source and output of one parallel encoding, written at disjoint ranges only; it lives for one call.
private struct EncodingBuffers: @unchecked Sendable {
    let source: UnsafeRawBufferPointer
    let output: UnsafeMutableBufferPointer<UInt8>
}
