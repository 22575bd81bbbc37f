/// A request the server itself answers instead of a handler: its status, the sentence that explains it, and
/// whether the answer carries `Retry-After` (the refusal is about load, not about the request). Written once for
/// both protocols, so that HTTP/1.1 and HTTP/2 answer the same thing in the same words (they had drifted: "The
/// body is larger…" against "The request body is larger…"); `RequestDispatcher.response(for:)` renders it in the
/// server's error format.
public struct Refusal: Sendable, Equatable {
    /// The status of the answer.
    public var status: HTTPStatus
    /// Why, in one sentence: the problem's `detail`.
    public var detail: String
    /// Whether the answer carries `Retry-After`: the same request may succeed later.
    public var retry: Bool

    /// A refusal with `status` and `detail`; `retry` adds `Retry-After`.
    public init(_ status: HTTPStatus, _ detail: String, retry: Bool = false) {
        self.status = status
        self.detail = detail
        self.retry = retry
    }

    /// 413: a declared or received body past `maxBodyBytes`.
    public static func bodyTooLarge(limit: Int) -> Refusal {
        Refusal(.contentTooLarge, "The request body is larger than the limit maxBodyBytes = \(limit) bytes.")
    }

    /// 503 + Retry-After: the process-wide body budget has no room for these bytes.
    public static func bodyBudgetFull(limit: Int) -> Refusal {
        Refusal(.serviceUnavailable,
                "The server holds too many request bodies (the limit maxBufferedBodyBytes = \(limit) bytes); retry later.",
                retry: true)
    }

    /// 503 + Retry-After: the response's body does not fit in the process-wide budget of unread responses.
    public static func responseBudgetFull(limit: Int) -> Refusal {
        Refusal(.serviceUnavailable,
                "The server holds too many unread responses (the limit maxBufferedResponseBytes = \(limit) bytes); retry later.",
                retry: true)
    }

    /// 503 + Retry-After: every worker is busy and the queue is full.
    public static let overloaded = Refusal(.serviceUnavailable, "The server is overloaded; retry later.", retry: true)

    /// 503 + Retry-After: a connection accepted past `maxConnections` when no idle one could make room.
    public static let tooManyConnections = Refusal(.serviceUnavailable, "The server has too many open connections.",
                                                   retry: true)

    /// 408: the request head or body did not arrive within its timeout.
    public static let requestTimeout = Refusal(.requestTimeout, "The request was not received in time.")

    /// 500: a handler threw, or its response could not be sent as it was (a field that would corrupt the stream).
    public static let handlerFailed = Refusal(.internalServerError, "The server could not complete the request.")
}
