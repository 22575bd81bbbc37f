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
    /// Which requests of a route are cheap enough to answer without the worker pool (see `runsInline`).
    public typealias InlinePolicy = @Sendable (HTTPRequest) -> Bool

    private struct Route: Sendable {
        var handler: HTTPHandler
        var inline: InlinePolicy?
    }

    private var routes: [String: [String: Route]] = [:]
    /// Routes for `prefix` + one path segment (`/v1/models/{name}`), keyed by prefix; `label` names them in logs
    /// and metrics, so that the segment does not multiply the metrics' label values.
    private var segmentRoutes: [String: (label: String, methods: [String: Route])] = [:]

    /// Creates an empty router.
    public init() {}

    /// The methods the server knows (RFC 9110 §9.3 plus PATCH, RFC 5789): routes are registered for these only,
    /// and metrics label any other method `OTHER`. Any other method is answered 404 or 405 like a known one.
    public static let knownMethods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    ]

    /// Routes `method` on exactly `path` (no query) to `handler`; `inline` selects the requests it answers on
    /// the connection's queue (`{ _ in true }` for probes). Adding the same route twice is a programmer error
    /// and traps.
    public mutating func add(
        _ method: String, _ path: String, inline: InlinePolicy? = nil, _ handler: @escaping HTTPHandler
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
        entry.methods[method] = Route(handler: handler, inline: nil)
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

    /// Whether the route of `request` answers it inline (`HTTPServerConfiguration.runsInline`): false for unknown
    /// routes, whose 404 or 405 is cheap either way but must not let a flood of them bypass the pool's bound.
    public func runsInline(_ request: HTTPRequest) -> Bool {
        guard let methods = lookup(request.path)?.methods else { return false }
        let route = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil)
        return route?.inline?(request) ?? false
    }

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

    /// A responder that dispatches to the routes. `errors` renders 404, 405, 415 and 500 (the default is
    /// problem+json, as the server's own errors); `logger` records handler failures at error level.
    public func responder(
        errors: @escaping HTTPErrorResponder = ProblemDetails.response,
        logger: Logger = Logger(label: "HTTPServer.Router")
    ) -> HTTPResponder {
        let router = self
        return { request in
            // The path is looked up once; the response carries the matched route for the middleware around it.
            let match = router.lookup(request.path)
            var response = router.respond(to: request, methods: match?.methods, errors: errors, logger: logger)
            if let match { response.route = match.label }
            return response
        }
    }

    private func respond(
        to request: HTTPRequest, methods: [String: Route]?, errors: HTTPErrorResponder, logger: Logger
    ) -> HTTPResponse {
        if request.method == "OPTIONS", request.path == "*" {
            // A question about the server itself (RFC 9110 §9.3.7): what it can do on some resource.
            return HTTPResponse(status: .noContent, headers: ["Allow": allowedMethods(for: "*")!.joined(separator: ", ")])
        }
        guard let methods else {
            return errors(.notFound, "No resource at \(Echo.cut(request.path)).")
        }
        let route = methods[request.method] ?? (request.method == "HEAD" ? methods["GET"] : nil)
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
        do {
            return try handler(request)
        } catch {
            logger.error("handler failed", metadata: [
                "method": "\(request.method)", "path": "\(Echo.cut(request.path))", "error": "\(error)",
            ])
            return errors(.internalServerError, Refusal.handlerFailed)
        }
    }
}
