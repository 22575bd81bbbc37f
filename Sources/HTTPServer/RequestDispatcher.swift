import Logging

/// The request policy of the server, one for HTTP/1.1 and HTTP/2: each protocol module keeps only its framing
/// and asks this for every decision about a request.
///
/// - Route and method are resolved once per request (`Router.resolve`); the match goes with the request to
///   wherever it runs, so the path is never looked up twice.
/// - Inline or pooled: a route may answer where the request was read (`Router.InlinePolicy`); everything else
///   runs on the bounded worker pool, and a full pool is answered 503 + Retry-After (`Refusal.overloaded`).
/// - The middleware (request ids, logs, metrics) runs around the router, in the same order wherever the
///   request runs (`HTTPMiddleware`).
/// - The server's own refusals (body budget, body size, response budget, overload, invalid handler responses)
///   are rendered here, in the configured error format, with Retry-After where the refusal is about load.
///
/// Immutable, so every event loop and worker thread may use it at once.
public final class RequestDispatcher: Sendable {
    let router: Router
    private let chain: MiddlewareChain
    private let errors: HTTPErrorResponder
    private let refusalObserver: HTTPRefusalObserver?
    private let retryAfter: String
    private let maxBodyBytes: Int
    let pool: WorkerPool
    let metrics: ServerMetrics
    let logger: Logger
    /// Request-body bytes all connections together may hold (`HTTPLimits.maxBufferedBodyBytes`).
    let bodyBudget: ByteBudget
    /// Response-body bytes all connections together may hold unread (`HTTPLimits.maxBufferedResponseBytes`).
    let responseBudget: ByteBudget

    init(router: Router, middleware: [HTTPMiddleware], configuration: HTTPServerConfiguration, metrics: ServerMetrics,
         logger: Logger) {
        self.router = router
        chain = MiddlewareChain(middleware)
        errors = configuration.errorResponder
        refusalObserver = configuration.refusalObserver
        retryAfter = String(configuration.retryAfterSeconds)
        maxBodyBytes = configuration.limits.maxBodyBytes
        self.metrics = metrics
        self.logger = logger
        pool = WorkerPool(workerCount: configuration.workerCount, queueDepth: configuration.queueDepth,
                          metrics: metrics)
        bodyBudget = ByteBudget(limit: configuration.limits.maxBufferedBodyBytes, gauge: metrics.bufferedBodyBytes,
                                rejections: metrics.rejectedBodyBudget)
        responseBudget = ByteBudget(limit: configuration.limits.maxBufferedResponseBytes,
                                    gauge: metrics.bufferedResponseBytes, rejections: metrics.rejectedResponseBudget)
    }

    // MARK: Requests

    /// What `decide` made of a request: answered where it was read, or to run on a worker.
    public enum Decision: Sendable {
        /// The route answered inline (`Router.InlinePolicy`): send this.
        case answered(HTTPResponse)
        /// The request needs a worker: `submit` it, unless the protocol refuses more work in flight.
        case needsWorker(PendingRequest)
    }

    /// A request bound for the worker pool, with the route it was resolved to.
    public struct PendingRequest: Sendable {
        /// The request, as it was read.
        public let request: HTTPRequest
        let match: RouteMatch
    }

    /// Resolves the route of `request` (once) and answers it where it was read if its route runs inline and, for
    /// an inline attempt, found it cheap. Call on the connection's event loop; nothing is allocated for the decision.
    public func decide(_ request: HTTPRequest) -> Decision {
        let match = router.resolve(request)
        switch match.route?.inline ?? .never {
        case .never: break
        case .always: return .answered(respond(to: request, as: match))
        case .attempt(let attempt):
            let inline = chain(request) { request in
                guard var response = attempt(request) else { return nil }
                response.route = match.label
                return response
            }
            if let inline { return .answered(inline) }
        }
        return .needsWorker(PendingRequest(request: request, match: match))
    }

    /// Queues `pending` on the worker pool for `client` (its address, for the pool's fair scheduling). Returns nil
    /// when a worker took it: the worker then calls `completion` with the response, or with nil when the client
    /// left before the work started (the request's `CancellationToken`). Returns 503 + Retry-After
    /// (`Refusal.overloaded`) when the pool and its queue are full.
    public func submit(
        _ pending: PendingRequest, client: String, completion: @escaping @Sendable (HTTPResponse?) -> Void
    ) -> HTTPResponse? {
        let token = pending.request.cancellation
        let accepted = pool.submit(client: client) { [self] in
            guard token.start() else { return completion(nil) }  // The client left while it waited.
            let response = respond(to: pending.request, as: pending.match)
            token.finish()
            completion(response)
        }
        guard !accepted else { return nil }
        metrics.rejectedOverloaded.increment()
        return refuse(pending, .overloaded)
    }

    /// Refuses a request that was read whole without running it (the pool is full; HTTP/2: the connection has too
    /// much work in flight). The refusal goes through the middleware like any answer, so it is logged and counted
    /// with the client's request id and its route.
    public func refuse(_ pending: PendingRequest, _ refusal: Refusal) -> HTTPResponse {
        chain(pending.request) { _ in
            var response = render(refusal)
            response.route = pending.match.label
            return response
        } ?? response(for: refusal)
    }

    /// The router's answer through the middleware; the chain answers whenever the route does.
    private func respond(to request: HTTPRequest, as match: RouteMatch) -> HTTPResponse {
        chain(request) { self.router.respond(to: $0, as: match, errors: self.errors, logger: self.logger) }
            ?? response(for: .handlerFailed)  // Only a middleware that broke its contract gets here.
    }

    // MARK: Refusals

    /// The server's own answer for `refusal` of a request no middleware saw, in the configured error format, with
    /// Retry-After where it says so, shown to the `refusalObserver`.
    public func response(for refusal: Refusal) -> HTTPResponse {
        var response = render(refusal)
        refusalObserver?(&response)
        return response
    }

    private func render(_ refusal: Refusal) -> HTTPResponse {
        var response = errors(refusal.status, refusal.detail)
        response.failureDetail = response.failureDetail ?? refusal.detail  // For the log, whatever the format.
        if refusal.retry { response.headers.replaceOrAdd("Retry-After", retryAfter) }
        return response
    }

    /// What replaces a response the protocol could not encode (a header name that is not a token, a value with CR
    /// or LF: a bug in the application, which must not reach the wire): 500, and the error logged.
    public func invalidResponse(_ error: any Error) -> HTTPResponse {
        logger.error("invalid response from handler", metadata: ["error": "\(error)"])
        return response(for: .handlerFailed)
    }

    // MARK: Budgets

    /// Reserves `bytes` more of a request body of which `received` bytes have arrived: nil when they are accepted
    /// (and reserved in the process-wide body budget), else the refusal: 413 past `maxBodyBytes`, 503 + Retry-After
    /// when the budget is full. Bytes are reserved as they arrive, never from a declared length, so that
    /// declaring a body and never sending it costs nobody else anything.
    public func reserveBody(_ bytes: Int, after received: Int) -> Refusal? {
        guard received + bytes <= maxBodyBytes else { return .bodyTooLarge(limit: maxBodyBytes) }
        guard bodyBudget.reserve(bytes) else {
            logger.debug("request body refused: the body budget is full", metadata: ["bytes": "\(bytes)"])
            return .bodyBudgetFull(limit: bodyBudget.limit)
        }
        return nil
    }

    /// Gives back body bytes reserved with `reserveBody`: the request was answered, or its connection or stream went.
    public func releaseBody(_ bytes: Int) { bodyBudget.release(bytes) }

    /// Response bodies up to this size are not counted in the response budget: health probes, metrics and error
    /// answers must get through even when unread answers fill it, and what one connection holds of them is
    /// bounded by its high-water mark (HTTP/2: by its streams and their flow-control windows).
    static let uncountedResponseBytes = 64 << 10

    /// Reserves room for `response`'s body (sent only when `sendsBody`) in the budget of unread responses: the
    /// bytes reserved (0 for a small body or none), to release as they are written. When it does not fit, the
    /// response is replaced by a 503 + Retry-After (its large body dropped at once) and 0 is returned.
    public func admitResponse(_ response: inout HTTPResponse, sendsBody: Bool) -> Int {
        let bytes = response.body.count
        guard sendsBody, bytes > Self.uncountedResponseBytes else { return 0 }
        if responseBudget.reserve(bytes) { return bytes }
        logger.debug("response refused: the response budget is full", metadata: ["bytes": "\(bytes)"])
        response = self.response(for: .responseBudgetFull(limit: responseBudget.limit))
        return 0
    }

    /// Gives back response bytes reserved with `admitResponse`, as the client reads them or when it goes.
    public func releaseResponse(_ bytes: Int) { responseBudget.release(bytes) }
}
