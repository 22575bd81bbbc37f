import Logging

/// A route handler that may throw: any error becomes a generic 500 and is logged, and the server goes on.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Exact-path routing from (method, path) to handlers.
///
/// The responder it builds answers 404 for an unknown path, 405 with `Allow` for a known path and another
/// method (RFC 9110 §15.5.6), serves HEAD with the GET handler (the server drops the body and keeps its
/// `Content-Length`, RFC 9110 §9.3.2), answers OPTIONS with `Allow` when no handler is registered for it,
/// and 415 for a body in a content coding (`Content-Encoding: gzip`...), which no handler decodes.
///
/// This is the one place that decides about the method, for both protocols: a method the server does not know
/// at all (`QUERY`, `BREW`) gets the same 405 with `Allow` as a known one the resource does not allow, which
/// RFC 9110 §15.5.6 permits for unrecognised methods too, so that a 5xx always means the server's own fault.
/// The parsers only check that the method is a token (RFC 9110 §9.1).
public struct Router: Sendable {
    /// Where a route's requests run: on the worker pool (the default), or where the request was read.
    public enum InlinePolicy: Sendable {
        /// Every request goes to the bounded worker pool.
        case never
        /// The handler runs where the request was read, never waiting for a worker: for probes and scrapes,
        /// which must answer while every worker computes (an orchestrator that cannot reach /healthz under load
        /// restarts a replica that is merely busy). Only for handlers that are fast and never block.
        case always
        /// `attempt` runs where the request was read and returns the response when the request turned out cheap
        /// (cheaper than a hop to a worker thread and back), or nil to send it to the pool, where the handler
        /// runs. One pass decides and answers, so a cheap request is parsed once; the attempt must be fast and
        /// never block, whatever the request holds.
        case attempt(@Sendable (HTTPRequest) -> HTTPResponse?)
    }

    struct Route: Sendable {
        var handler: HTTPHandler
        var inline: InlinePolicy
    }

    private var routes: [String: [String: Route]] = [:]
    /// Routes for `prefix` + one path segment (`/v1/models/{name}`), keyed by prefix; `label` names them in logs
    /// and metrics, so that the segment does not multiply the metrics' label values.
    private var segmentRoutes: [String: (label: String, methods: [String: Route])] = [:]

    /// What answers every request when the router has no routes of its own (`init(answeringEverythingWith:)`).
    private var catchAll: Route?

    /// Creates an empty router.
    public init() {}

    /// A router that hands every request, whatever its method and path, to `responder` on the worker pool: a
    /// server built on one responder rather than routes. Routes added to it win over the responder.
    public init(answeringEverythingWith responder: @escaping HTTPResponder) {
        catchAll = Route(handler: responder, inline: .never)
    }

    /// The methods the server knows (RFC 9110 §9.3 plus PATCH, RFC 5789): routes are registered for these only,
    /// and metrics label any other method `OTHER`. Any other method is answered 404 or 405 like a known one.
    public static let knownMethods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    ]

    /// Routes `method` on exactly `path` (no query) to `handler`; `inline` says which requests are answered where
    /// they were read instead of on the worker pool. Adding the same route twice is a programmer error and traps.
    public mutating func add(
        _ method: String, _ path: String, inline: InlinePolicy = .never, _ handler: @escaping HTTPHandler
    ) {
        precondition(Self.knownMethods.contains(method), "unknown method \(method)")
        precondition(routes[path]?[method] == nil, "duplicate route \(method) \(path)")
        routes[path, default: [:]][method] = Route(handler: handler, inline: inline)
    }

    /// Routes `method` on `prefix` followed by one non-empty path segment without `/` (a resource by name,
    /// e.g. prefix `/v1/models/` for `/v1/models/{name}`); exact routes win over these. `label` (such as
    /// `/v1/models/{name}`) is the route reported for metrics and logs.
    public mutating func add(
        _ method: String, segmentAfter prefix: String, label: String, _ handler: @escaping HTTPHandler
    ) {
        precondition(Self.knownMethods.contains(method), "unknown method \(method)")
        precondition(prefix.hasSuffix("/"), "a segment prefix ends with /")
        precondition(segmentRoutes[prefix]?.methods[method] == nil, "duplicate route \(method) \(label)")
        var entry = segmentRoutes[prefix] ?? (label, [:])
        entry.methods[method] = Route(handler: handler, inline: .never)
        segmentRoutes[prefix] = entry
    }

    /// The methods and metrics label of the route for `path`: an exact route, else a segment route.
    private func lookup(_ path: String) -> (label: String, methods: [String: Route])? {
        if let methods = routes[path] { return (path, methods) }
        guard !segmentRoutes.isEmpty, let slash = path.lastIndex(of: "/"), path.index(after: slash) < path.endIndex,
            let entry = segmentRoutes[String(path[...slash])]
        else { return nil }
        return entry
    }

    /// The route of `request`, from one lookup of its path: what the dispatcher decides with (is it inline?) and
    /// what `respond(to:as:)` answers with, so the path is never looked up twice.
    func resolve(_ request: HTTPRequest) -> RouteMatch {
        guard let (label, methods) = lookup(request.path) else { return RouteMatch(label: nil, methods: nil, route: catchAll) }
        let route = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil)
        return RouteMatch(label: label, methods: methods, route: route)
    }

    /// Where the request of `match` runs: `.never` for unknown paths and refused methods, whose 404 or 405 is
    /// cheap either way but must not let a flood of them bypass the pool's bound.
    static func inlinePolicy(of match: RouteMatch) -> InlinePolicy { match.route?.inline ?? .never }

    /// The methods allowed on `path`, sorted, with HEAD wherever GET is and OPTIONS always; nil for an
    /// unknown path. For `*` (the asterisk-form of `OPTIONS *`, RFC 9112 §3.2.4), the methods of any route.
    public func allowedMethods(for path: String) -> [String]? {
        let methods = path == "*"
            ? (routes.values + segmentRoutes.values.map(\.methods)).reduce(into: [:]) { $0.merge($1) { first, _ in first } }
            : lookup(path)?.methods
        guard let methods else { return nil }
        var allowed = Set(methods.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        allowed.insert("OPTIONS")
        return allowed.sorted()
    }

    /// The first content coding of a request with a body other than `identity`, which no handler decodes; nil
    /// when the body is sent as is.
    static func unsupportedContentCoding(_ request: HTTPRequest) -> String? {
        guard !request.body.isEmpty else { return nil }
        return request.headers.listMembers(for: "Content-Encoding").first { !$0.equalsIgnoringASCIICase("identity") }
            .map(String.init)
    }

    /// A responder that answers as the server's worker pool does, without a server: resolve, then respond through
    /// `middleware` (the first outermost), for tests and tools that call routes directly. `errors` renders 404,
    /// 405, 415 and 500; `logger` records handler failures.
    public func responder(
        errors: @escaping HTTPErrorResponder = Problem.errorResponder,
        middleware: [HTTPMiddleware] = [],
        logger: Logger = Logger(label: "HTTPServer.Router")
    ) -> HTTPResponder {
        let router = self
        let chain = MiddlewareChain(middleware)
        return { request in
            let match = router.resolve(request)
            return chain(request) { router.respond(to: $0, as: match, errors: errors, logger: logger) }
                ?? errors(.internalServerError, Refusal.handlerFailed.detail)
        }
    }

    /// Answers `request` by its `match` (404, 405 with `Allow`, OPTIONS, 415, or the handler's response, a
    /// thrown error as 500), carrying the matched route's label for the middleware around it.
    func respond(to request: HTTPRequest, as match: RouteMatch, errors: HTTPErrorResponder, logger: Logger)
        -> HTTPResponse
    {
        var response = answer(request, methods: match.methods, route: match.route, errors: errors, logger: logger)
        response.route = match.label
        return response
    }

    private func answer(
        _ request: HTTPRequest, methods: [String: Route]?, route: Route?, errors: HTTPErrorResponder, logger: Logger
    ) -> HTTPResponse {
        if methods == nil, let route {
            return run(route.handler, request, errors: errors, logger: logger)  // The catch-all takes it as it is.
        }
        if request.method == "OPTIONS", request.path == "*" {
            // A question about the server itself (RFC 9110 §9.3.7): what it can do on some resource.
            return HTTPResponse(status: .noContent, headers: ["Allow": allowedMethods(for: "*")!.joined(separator: ", ")])
        }
        guard methods != nil else {
            return errors(.notFound, "No resource at \(Echo.cut(request.path)).")
        }
        guard let handler = route?.handler else {
            let allow = allowedMethods(for: request.path)!.joined(separator: ", ")
            if request.method == "OPTIONS" {
                return HTTPResponse(status: .noContent, headers: ["Allow": allow])
            }
            var response = errors(.methodNotAllowed, "\(Echo.cut(request.method)) is not allowed on \(Echo.cut(request.path)).")
            response.headers.replaceOrAdd("Allow", allow)
            return response
        }
        if let coding = Router.unsupportedContentCoding(request) {
            // RFC 9110 §15.5.16: 415 with Accept-Encoding saying what would have been accepted. Reading the
            // bytes as if they were not encoded would answer about garbage.
            var response = errors(.unsupportedMediaType,
                                  "The content coding \(Echo.cut(coding)) is not supported; send the body unencoded.")
            response.headers.replaceOrAdd("Accept-Encoding", "identity")
            return response
        }
        return run(handler, request, errors: errors, logger: logger)
    }

    private func run(_ handler: HTTPHandler, _ request: HTTPRequest, errors: HTTPErrorResponder, logger: Logger)
        -> HTTPResponse
    {
        do {
            return try handler(request)
        } catch {
            logger.error("handler failed", metadata: [
                "method": "\(request.method)", "path": "\(Echo.cut(request.path))", "error": "\(error)",
            ])
            return errors(.internalServerError, Refusal.handlerFailed.detail)
        }
    }
}

/// The outcome of one route lookup: the route's label for metrics and logs, the methods of its path, and the
/// route of the request's method (nil when the path is unknown or the method not allowed there).
struct RouteMatch: Sendable {
    var label: String?
    var methods: [String: Router.Route]?
    var route: Router.Route?
}
