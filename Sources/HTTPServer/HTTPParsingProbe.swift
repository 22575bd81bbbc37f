/// The HTTP/1.1 request parser and the chunked-body decoder run over bytes in memory, as a connection runs them
/// over what its socket delivers: a public seam for the fuzz targets (Fuzz/) and regression tests, which live
/// outside this module and must not need `@testable`. The server itself uses the parsers directly.
///
/// Each function takes the input as the pieces it arrived in; how bytes are split must never change what is
/// parsed, which is what the fuzz targets check by comparing a split input with the whole.
public enum HTTPParsingProbe {
    /// Every event the request parser yields for `pieces` (all but "need more data"), one line each, in order:
    /// `head METHOD target version fields=N`, `request METHOD target body=N #hash`, `error CODE`.
    /// Parsing stops at the first error, as a connection closes after answering it.
    public static func requestEvents<Piece: Collection<UInt8>>(
        _ pieces: [Piece], limits: HTTPLimits = HTTPLimits()
    ) -> [String] {
        var parser = HTTPRequestParser(limits: limits)
        var events: [String] = []
        for piece in pieces {
            Array(piece).withUnsafeBytes { parser.append($0) }
            while true {
                switch parser.next() {
                case .needMoreData:
                    break
                case .head(let head):
                    events.append("head \(head.method) \(head.target) \(head.version) fields=\(head.headers.count)")
                    continue
                case .bodyData:
                    // How much body each read delivered depends on how the bytes arrive: not an event to compare.
                    continue
                case .request(let request):
                    events.append("request \(request.method) \(request.target) body=\(request.body.count) "
                                  + "#\(fingerprint(request.body))")
                    continue
                case .error(let error):
                    events.append("error \(error.status.code)")
                    return events
                }
                break
            }
        }
        return events
    }

    /// What the chunked decoder makes of `pieces` (a body after its head): `chunk N` for each chunk, then
    /// `complete body=N #hash rest=N` (the bytes after the body), `error CODE`, or `incomplete body=N`.
    /// Unconsumed bytes are kept and offered again with the next piece, as the request parser does.
    public static func chunkedEvents<Piece: Collection<UInt8>>(
        _ pieces: [Piece], limits: HTTPLimits = HTTPLimits()
    ) -> [String] {
        var decoder = ChunkedBodyDecoder(limits: limits)
        var pending: [UInt8] = []
        var body: [UInt8] = []
        var events: [String] = []
        for (index, piece) in pieces.enumerated() {
            pending.append(contentsOf: piece)
            while true {
                let result = pending.withUnsafeBufferPointer { decoder.decode($0, into: &body) }
                switch result {
                case .needMoreData(let consumed):
                    pending.removeFirst(consumed)
                case .chunk(let size, let consumed):
                    pending.removeFirst(consumed)
                    events.append("chunk \(size)")
                    continue
                case .complete(let consumed):
                    let rest = pending.count - consumed + pieces[(index + 1)...].reduce(0) { $0 + $1.count }
                    events.append("complete body=\(body.count) #\(fingerprint(body)) rest=\(rest)")
                    return events
                case .error(let error):
                    events.append("error \(error.status.code)")
                    return events
                }
                break
            }
        }
        events.append("incomplete body=\(body.count)")
        return events
    }

    /// FNV-1a of `bytes`: enough to tell two decoded bodies apart in an event line.
    private static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
