/// An incremental HTTP/1.1 request parser: a pure state machine fed bytes, with no I/O, so every framing
/// rule can be tested without sockets (as NIOHTTP1's `HTTPDecoder`).
///
/// Feed bytes with `append(_:)`, then call `next()` until it says `.needMoreData`. For each request it
/// yields `.head` once the header section is complete (so the connection can send `100 Continue` or switch
/// timeouts), `.bodyData` each time body bytes received were added to the body (so the connection can account
/// for the bytes that exist, not the bytes a client declares), and then `.request` once the body is complete. After `.error`, it yields the same error
/// forever: the connection must answer it and close. Memory is bounded by the limits: the buffer never
/// holds more than a header section, one chunk-size line or what the socket delivered in one read.
struct HTTPRequestParser {
    /// What the parser found.
    enum Event {
        /// No complete head or body is buffered yet.
        case needMoreData
        /// A complete, valid header section; the body (if any) follows.
        case head(RequestHead)
        /// This many more body bytes were received and added to the body since the last event: at most what
        /// one `append` delivered. Reported for both framings, so that a client declaring a large body (or
        /// chunk) and sending a byte of it is charged for one byte, not for what it declared.
        case bodyData(Int)
        /// A complete request, body decoded.
        case request(HTTPRequest)
        /// A fault; the connection must answer `error.status` and close.
        case error(HTTPParseError)
    }

    private enum State {
        case awaitingHead
        case readingBody(RequestHead, remaining: Int)
        case readingChunked(RequestHead, ChunkedBodyDecoder)
        /// The body is complete; `.request` follows once its last bytes are reported.
        case complete(RequestHead)
        case failed(HTTPParseError)
    }

    let limits: HTTPLimits
    private let headParser: RequestHeadParser
    private var state: State = .awaitingHead
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// How far the current header section has been scanned for CRLFCRLF, so slow clients cost linear time.
    private var scanIndex = 0
    private var body: [UInt8] = []
    /// How many of `body`'s bytes were reported in `.bodyData` events.
    private var reportedBodyBytes = 0
    /// The most body capacity reserved up front from a declared Content-Length: beyond it the body grows as
    /// bytes arrive, so a declared length costs no memory before the bytes exist.
    static let initialBodyCapacity = 64 * 1024

    init(limits: HTTPLimits) {
        self.limits = limits
        headParser = RequestHeadParser(limits: limits)
    }

    /// Bytes received but not yet consumed.
    var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between requests: nothing of a next request has arrived yet.
    var isIdle: Bool {
        if case .awaitingHead = state { return bufferedByteCount == 0 }
        return false
    }

    /// Whether the parser is still waiting for the end of a header section (rather than a body).
    var isReadingHead: Bool {
        if case .awaitingHead = state { return true }
        return false
    }

    /// Appends received bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        // Drop consumed bytes once they are at least half the buffer, so a client that keeps pipelining
        // (always ending mid-request) cannot grow the buffer without bound; the copy is amortised.
        if readIndex > 0 && readIndex * 2 >= buffer.count {
            if readIndex == buffer.count {
                buffer.removeAll(keepingCapacity: buffer.capacity <= 4096)
            } else {
                buffer.removeFirst(readIndex)
            }
            scanIndex -= readIndex
            readIndex = 0
        }
        // Body bytes with nothing buffered before them go straight into the body: a multi-megabyte body is
        // copied once from the read, not into the buffer and again into the body. `next()` reports them.
        if case .readingBody(let head, let remaining) = state, remaining > 0, bufferedByteCount == 0 {
            let take = min(remaining, bytes.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<take]))
            state = .readingBody(head, remaining: remaining - take)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[take...]))
            return
        }
        buffer.append(contentsOf: bytes)
    }

    /// The unconsumed bytes, to recognise another protocol's preface.
    var bufferedBytes: ArraySlice<UInt8> { buffer[readIndex...] }

    /// Takes every unconsumed byte, for a protocol that takes over the connection.
    mutating func takeBufferedBytes() -> [UInt8] {
        let rest = Array(buffer[readIndex...])
        buffer = []
        readIndex = 0
        scanIndex = 0
        return rest
    }

    /// Drops buffers kept for reuse; called when a connection goes idle, to keep idle connections small.
    mutating func releaseMemory() {
        if readIndex == buffer.count {
            buffer = []
            readIndex = 0
            scanIndex = 0
        }
    }

    /// Advances the state machine over the buffered bytes.
    mutating func next() -> Event {
        switch state {
        case .failed(let error):
            return .error(error)
        case .awaitingHead:
            return nextHead()
        case .complete(let head):
            return finish(head)
        case .readingBody(let head, let remaining):
            let take = min(remaining, bufferedByteCount)
            body.append(contentsOf: buffer[readIndex..<(readIndex + take)])
            consume(take)
            if take < remaining {
                state = .readingBody(head, remaining: remaining - take)
                return reportBodyData() ?? .needMoreData
            }
            state = .complete(head)
            return reportBodyData() ?? finish(head)
        case .readingChunked(let head, var decoder):
            state = .awaitingHead  // Released while mutating, so `decoder` is not copied on write.
            while true {
                let result = buffer.withUnsafeBufferPointer {
                    decoder.decode(UnsafeBufferPointer(rebasing: $0[readIndex...]), into: &body)
                }
                switch result {
                case .needMoreData(let consumed):
                    consume(consumed)
                    state = .readingChunked(head, decoder)
                    return reportBodyData() ?? .needMoreData
                case .chunk(_, let consumed):
                    // A declared size is not charged: its bytes are, as they arrive (reported below).
                    consume(consumed)
                    if let report = reportBodyData() {
                        state = .readingChunked(head, decoder)
                        return report
                    }
                case .complete(let consumed):
                    consume(consumed)
                    state = .complete(head)
                    return reportBodyData() ?? finish(head)
                case .error(let error):
                    return fail(error)
                }
            }
        }
    }

    /// `.bodyData` for the body bytes added since the last report, or nil when there are none.
    private mutating func reportBodyData() -> Event? {
        let added = body.count - reportedBodyBytes
        guard added > 0 else { return nil }
        reportedBodyBytes = body.count
        return .bodyData(added)
    }

    private mutating func finish(_ head: RequestHead) -> Event {
        var request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                  headers: head.headers)
        swap(&request.body, &body)
        reportedBodyBytes = 0
        state = .awaitingHead
        return .request(request)
    }

    private mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed(error)
        return .error(error)
    }

    private mutating func consume(_ count: Int) {
        readIndex += count
        scanIndex = max(scanIndex, readIndex)
    }

    /// Finds the end of the header section, rejecting bare CR and bare LF on the way (RFC 9112 §2.2).
    private mutating func nextHead() -> Event {
        // RFC 9112 §2.2: ignore empty lines received before the request line.
        while bufferedByteCount >= 2 && buffer[readIndex] == HTTPGrammar.cr && buffer[readIndex + 1] == HTTPGrammar.lf {
            consume(2)
        }
        let scan = buffer.withUnsafeBufferPointer { scanForEndOfHead($0) }
        switch scan {
        case .failure(let error):
            return fail(error)
        case .success(nil):
            if let error = overflowError() { return fail(error) }
            return .needMoreData
        case .success(let end?):
            let headLength = end - readIndex
            if headLength > limits.maxHeaderSectionBytes, let error = overflowError(force: true) {
                return fail(error)
            }
            let parsed = buffer.withUnsafeBufferPointer { all in
                Result { () throws(HTTPParseError) in
                    // The final empty line is excluded; each remaining line keeps its CRLF as separator.
                    try headParser.parse(UnsafeBufferPointer(rebasing: all[readIndex..<(end - 2)]))
                }
            }
            consume(headLength)
            switch parsed {
            case .failure(let error):
                return fail(error)
            case .success(let head):
                switch head.framing {
                case .none, .length(0): state = .readingBody(head, remaining: 0)
                case .length(let n):
                    state = .readingBody(head, remaining: n)
                    body.reserveCapacity(min(n, Self.initialBodyCapacity))
                case .chunked: state = .readingChunked(head, ChunkedBodyDecoder(limits: limits))
                }
                return .head(head)
            }
        }
    }

    /// Scans new bytes for CRLFCRLF; returns the index just past it, or nil if not there yet.
    private mutating func scanForEndOfHead(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Int?, HTTPParseError> {
        var i = max(scanIndex, readIndex)
        while i < bytes.count {
            switch bytes[i] {
            case HTTPGrammar.cr:
                // Wait for the next byte, and rescan this CR when it comes.
                guard i + 1 < bytes.count else { scanIndex = i; return .success(nil) }
                guard bytes[i + 1] == HTTPGrammar.lf else {
                    return .failure(.badRequest("A bare CR outside a line ending (RFC 9112 §2.2)."))
                }
                if i >= readIndex + 2 && bytes[i - 1] == HTTPGrammar.lf {
                    scanIndex = i + 2
                    return .success(i + 2)
                }
                i += 2
            case HTTPGrammar.lf:
                return .failure(.badRequest("A line ends in a bare LF; lines end in CRLF (RFC 9112 §2.2)."))
            case 0:
                return .failure(.badRequest("A NUL byte in the header section (RFC 9110 §5.5)."))
            default:
                i += 1
            }
        }
        scanIndex = i
        return .success(nil)
    }

    /// The error for a header section that has grown past the limits before its end: 414 when the request
    /// line's target alone is too long, 431 otherwise; nil while still within limits.
    private func overflowError(force: Bool = false) -> HTTPParseError? {
        let pending = buffer[readIndex...]
        // Cheap exit for the common case, so a slow client does not cost a rescan per byte.
        if !force && pending.count <= min(RequestHeadParser.maxMethodLength, limits.maxRequestTargetLength, limits.maxHeaderSectionBytes) {
            return nil
        }
        let lineEnd = pending.firstIndex(of: HTTPGrammar.cr) ?? pending.endIndex
        let requestLine = pending[..<lineEnd]
        // The method is what precedes the first space, so a longer one is refused however the line is split
        // (and as `RequestHeadParser` refuses it in a complete line).
        let methodEnd = requestLine.firstIndex(of: HTTPGrammar.space) ?? requestLine.endIndex
        if methodEnd - requestLine.startIndex > RequestHeadParser.maxMethodLength {
            return .badRequest(RequestHeadParser.methodTooLong)
        }
        if methodEnd < requestLine.endIndex {
            let afterMethod = requestLine[(methodEnd + 1)...]
            let targetEnd = afterMethod.firstIndex(of: HTTPGrammar.space) ?? afterMethod.endIndex
            if targetEnd - afterMethod.startIndex > limits.maxRequestTargetLength {
                return HTTPParseError(status: .uriTooLong,
                                      detail: "The request target is longer than \(limits.maxRequestTargetLength) bytes.")
            }
        }
        if force || pending.count > limits.maxHeaderSectionBytes {
            return HTTPParseError(status: .requestHeaderFieldsTooLarge,
                                  detail: "The header section is larger than the limit maxHeaderSectionBytes = \(limits.maxHeaderSectionBytes) bytes.")
        }
        return nil
    }
}
