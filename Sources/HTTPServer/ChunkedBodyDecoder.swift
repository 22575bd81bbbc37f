/// Decodes the chunked transfer coding (RFC 9112 §7.1) incrementally, appending chunk data to a body and
/// discarding chunk extensions and trailer fields (RFC 9112 §7.1.2: a server may discard trailers).
struct ChunkedBodyDecoder {
    enum Result {
        /// Consumed this many bytes; more are needed.
        case needMoreData(consumed: Int)
        /// Consumed this many bytes, ending with the size line of a chunk of `size` data bytes (more than 0),
        /// none of which is decoded yet: the caller may account for them before decoding goes on.
        case chunk(size: Int, consumed: Int)
        /// The last chunk and trailer section ended after this many bytes.
        case complete(consumed: Int)
        case error(HTTPParseError)
    }

    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
    }

    /// Longest chunk-size line accepted, extensions included; this server gives extensions no meaning.
    static let maxChunkLineLength = 1024

    let limits: HTTPLimits
    private var state = State.size
    private var bodyLength = 0
    private var trailerBytes = 0

    init(limits: HTTPLimits) { self.limits = limits }

    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) -> Result {
        var i = 0
        while true {
            switch state {
            case .size:
                switch Self.line(in: bytes, from: i, maxLength: Self.maxChunkLineLength) {
                case .incomplete: return .needMoreData(consumed: i)
                case .invalid(let detail): return .error(.badRequest(detail))
                case .line(let end):
                    let size: Int
                    switch Self.parseChunkSize(UnsafeBufferPointer(rebasing: bytes[i..<end])) {
                    case .success(let n): size = n
                    case .failure(let error): return .error(error)
                    }
                    if size > limits.maxBodyBytes - bodyLength {
                        return .error(HTTPParseError(status: .contentTooLarge,
                                                     detail: Refusal.bodyTooLarge(limit: limits.maxBodyBytes).detail))
                    }
                    bodyLength += size
                    i = end + 2
                    if size == 0 {
                        state = .trailers
                    } else {
                        state = .data(remaining: size)
                        return .chunk(size: size, consumed: i)
                    }
                }
            case .data(let remaining):
                let take = min(remaining, bytes.count - i)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + take)]))
                i += take
                if take < remaining {
                    state = .data(remaining: remaining - take)
                    return .needMoreData(consumed: i)
                }
                state = .dataEnd
            case .dataEnd:
                guard bytes.count - i >= 2 else { return .needMoreData(consumed: i) }
                guard bytes[i] == HTTPGrammar.cr && bytes[i + 1] == HTTPGrammar.lf else {
                    return .error(.badRequest("Chunk data is not followed by CRLF (RFC 9112 §7.1)."))
                }
                i += 2
                state = .size
            case .trailers:
                let room = limits.maxHeaderSectionBytes - trailerBytes
                // Past the limit already: refused now, not only if the next line's first byte is not its CR (which
                // made a section one byte too long pass or fail depending on how its last bytes were split).
                guard room >= 0 else { return .error(Self.trailersTooLarge(limits)) }
                switch Self.line(in: bytes, from: i, maxLength: room) {
                case .incomplete: return .needMoreData(consumed: i)
                case .invalid(let detail):
                    return .error(detail.isEmpty ? Self.trailersTooLarge(limits) : .badRequest(detail))
                case .line(let end):
                    trailerBytes += end - i + 2
                    if end == i { return .complete(consumed: end + 2) }
                    do {
                        _ = try RequestHeadParser.parseFieldLine(UnsafeBufferPointer(rebasing: bytes[i..<end]))
                    } catch {
                        return .error(error)
                    }
                    i = end + 2
                }
            }
        }
    }

    private static func trailersTooLarge(_ limits: HTTPLimits) -> HTTPParseError {
        HTTPParseError(status: .requestHeaderFieldsTooLarge,
                       detail: "The trailer section is larger than \(limits.maxHeaderSectionBytes) bytes.")
    }

    private enum Line { case incomplete, invalid(String), line(end: Int) }

    /// Finds the CRLF ending the line that starts at `start`. An empty `invalid` detail means too long.
    private static func line(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, maxLength: Int) -> Line {
        var i = start
        while i < bytes.count {
            switch bytes[i] {
            case HTTPGrammar.cr:
                guard i + 1 < bytes.count else { return .incomplete }
                guard bytes[i + 1] == HTTPGrammar.lf else { return .invalid("A bare CR in the chunked body (RFC 9112 §2.2).") }
                return .line(end: i)
            case HTTPGrammar.lf:
                return .invalid("A bare LF in the chunked body (RFC 9112 §2.2).")
            default:
                if i - start >= maxLength { return .invalid(maxLength == maxChunkLineLength ? "A chunk-size line is too long." : "") }
                i += 1
            }
        }
        return i - start > maxLength ? .invalid(maxLength == maxChunkLineLength ? "A chunk-size line is too long." : "")
            : .incomplete
    }

    /// `chunk-size [ chunk-ext ]`, chunk-size = 1*HEXDIG (RFC 9112 §7.1); extensions are checked for
    /// forbidden bytes and then ignored.
    private static func parseChunkSize(_ line: UnsafeBufferPointer<UInt8>) -> Swift.Result<Int, HTTPParseError> {
        var size = 0
        var i = 0
        while i < line.count, let digit = HTTPGrammar.hexValue(line[i]) {
            guard size <= (Int.max - digit) >> 4 else {
                return .failure(.badRequest("The chunk size overflows (RFC 9112 §7.1)."))
            }
            size = size << 4 | digit
            i += 1
        }
        guard i > 0 else { return .failure(.badRequest("The chunk size is not hexadecimal digits (RFC 9112 §7.1).")) }
        var j = i
        while j < line.count, line[j] == HTTPGrammar.space || line[j] == HTTPGrammar.tab { j += 1 }
        guard (j == line.count && j == i) || (j < line.count && line[j] == UInt8(ascii: ";")) else {
            return .failure(.badRequest("The chunk size is followed by something other than an extension (RFC 9112 §7.1)."))
        }
        guard j == line.count || line[j...].allSatisfy(HTTPGrammar.isFieldValueChar) else {
            return .failure(.badRequest("A chunk extension contains a control character (RFC 9112 §7.1.1)."))
        }
        return .success(size)
    }
}
