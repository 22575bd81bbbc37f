import Dispatch
import HTTPServer

/// One request stream: its header fields and body as they arrive, then the response being sent.
///
/// The limits are the HTTP/1.1 server's (`HTTPLimits`), answered with the same statuses, so that a request
/// is accepted or refused alike over both protocols.
struct HTTP2Stream {
    let id: Int32
    /// When the stream's HEADERS began, in monotonic nanoseconds: the request timeout counts from here.
    let startedAt: UInt64
    var method = ""
    var path: String?
    var authority: String?
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    /// Bytes of `body` reserved in the server-wide `ByteBudget`; given back when the stream closes.
    private(set) var reservedBodyBytes = 0
    /// Header list size so far, counted as SETTINGS_MAX_HEADER_LIST_SIZE is (RFC 9113 §6.5.2).
    private var headerListSize = 0
    /// Why the server answers the request itself, set once it cannot be served; further headers and data are
    /// ignored.
    private(set) var rejection: Refusal?
    /// The request went to a worker, or was answered by the server: no second response may be submitted.
    var answered = false
    /// The client sent END_STREAM.
    var requestComplete = false
    /// When the response was submitted, in monotonic nanoseconds; nil before, and once the stream is reset
    /// for not reading it. The write timeout counts from here.
    var respondedAt: UInt64?
    /// The token of the request while a worker has it (queued or running); cancelled if the stream is reset
    /// or the connection lost before the response.
    var cancellation: CancellationToken?
    /// The response body, read by nghttp2's data provider from `responseOffset` on.
    var responseBody: [UInt8] = []
    var responseOffset = 0
    /// Bytes of `responseBody` not yet sent that are reserved in the server-wide response budget.
    var reservedResponseBytes = 0

    init(id: Int32, startedAt: UInt64) {
        self.id = id
        self.startedAt = startedAt
    }

    /// Records one header field (names arrive lowercased and validated by nghttp2).
    mutating func addField(name: String, value: String, limits: HTTPLimits, maxHeaderListSize: Int) {
        guard rejection == nil else { return }
        headerListSize += name.utf8.count + value.utf8.count + 32
        if headerListSize > maxHeaderListSize || headers.count >= limits.maxHeaderCount {
            reject(Refusal(.requestHeaderFieldsTooLarge, "The request header fields are too large."))
            return
        }
        switch name {
        case ":method": method = value
        case ":path":
            guard value.utf8.count <= limits.maxRequestTargetLength else {
                return reject(Refusal(.uriTooLong,
                                      "The request target is longer than \(limits.maxRequestTargetLength) bytes."))
            }
            path = value
        case ":authority": authority = value
        case ":scheme", ":protocol": break
        default: headers.add(name, value)
        }
    }

    /// Checks a declared Content-Length against the body limit before any data arrives (as HTTP/1.1 does).
    mutating func checkDeclaredLength(limits: HTTPLimits) {
        guard rejection == nil, let declared = headers["content-length"], let length = HTTPFieldValidation.contentLength(declared) else { return }
        if length > limits.maxBodyBytes { reject(.bodyTooLarge(limit: limits.maxBodyBytes)) }
    }

    /// Appends request body bytes, refusing the request as the request policy says (`RequestDispatcher.reserveBody`:
    /// past `maxBodyBytes`, or no room in the server-wide budget), or once the connection's streams
    /// (`connectionRoom`: bytes the others leave free) would hold more than the connection may. A refused stream
    /// gives its reservation back.
    mutating func appendBody(_ bytes: UnsafeBufferPointer<UInt8>, connectionRoom: Int, policy: RequestDispatcher) {
        guard rejection == nil else { return }
        if let refusal = policy.reserveBody(bytes.count, after: body.count) {
            releaseBody(to: policy)
            return reject(refusal)
        }
        reservedBodyBytes += bytes.count
        guard body.count + bytes.count <= connectionRoom else {
            releaseBody(to: policy)
            return reject(Refusal(.serviceUnavailable, "The connection has too much request data in flight; retry later.",
                                  retry: true))
        }
        body.append(contentsOf: bytes)
    }

    /// Drops the body and gives back its reservation; safe to call more than once.
    mutating func releaseBody(to policy: RequestDispatcher) {
        policy.releaseBody(reservedBodyBytes)
        reservedBodyBytes = 0
        body = []
    }

    private mutating func reject(_ refusal: Refusal) {
        rejection = refusal
        body = []
    }

    /// The request for the responder: `Host` from `:authority` when the client sent no Host field
    /// (RFC 9113 §8.3.1), HTTP/2 as its version.
    func makeRequest() -> HTTPRequest {
        var fields = headers
        if fields["host"] == nil, let authority {
            fields = HTTPHeaders([("host", authority)] + fields.map { ($0.name, $0.value) })
        }
        return HTTPRequest(method: method, target: path ?? "", version: .http2, headers: fields, body: body)
    }
}
