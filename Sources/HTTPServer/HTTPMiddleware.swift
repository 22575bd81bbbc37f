/// Code that runs around every request a route answers (request ids, access logs, metrics), composed once by
/// `RequestDispatcher` around the router, for both protocols and for both places a request runs (where it was
/// read, or on the worker pool).
///
/// `next` answers the request. It returns nil only when a route's inline attempt (`Router.InlinePolicy.attempt`)
/// found the request too costly to answer where it was read; the middleware then returns nil too, without
/// logging or counting anything, and the request goes through the whole chain again on the worker pool. The
/// router resolved the route before the chain runs: a middleware may add fields to the request (a request id)
/// but cannot re-route it.
public typealias HTTPMiddleware = @Sendable (HTTPRequest, _ next: (HTTPRequest) -> HTTPResponse?) -> HTTPResponse?

/// The composition of a list of middleware, the first outermost; an empty list calls `next` directly.
struct MiddlewareChain: Sendable {
    private let run: HTTPMiddleware?

    init(_ middleware: [HTTPMiddleware]) {
        run = middleware.reversed().reduce(nil) { inner, outer -> HTTPMiddleware in
            guard let inner else { return outer }
            return { request, next in outer(request) { inner($0, next) } }
        }
    }

    /// `next(request)` through every middleware. The closures are not escaping: nothing is allocated per request.
    func callAsFunction(_ request: HTTPRequest, _ next: (HTTPRequest) -> HTTPResponse?) -> HTTPResponse? {
        guard let run else { return next(request) }
        return run(request, next)
    }
}
