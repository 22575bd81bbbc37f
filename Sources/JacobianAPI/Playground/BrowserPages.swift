import HTTPServer
import Pictures

/// The pages for a browser: the playground at `/` (for clients that prefer HTML; others keep the text answer),
/// its style sheet and script, and the API reference at `/docs`. All of it is compiled into the binary
/// (`.embedInCode`) and served from here; the pages load nothing from any other origin.
enum BrowserPages {
    /// The playground's policy: its own script and style sheet only (no inline script or style, no other
    /// origin), `fetch` to this server only, and Trusted Types, so that an HTML-string assignment in the script
    /// throws; the one policy the script may create, `svg-picture`, feeds the SVG answers to an XML parser.
    static let playgroundPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
        "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'",
        "require-trusted-types-for 'script'", "trusted-types svg-picture",
    ].joined(separator: "; ")

    /// The reference page has no script at all.
    static let docsPolicy = [
        "default-src 'none'", "style-src 'self'", "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// The answers of `/`, most preferred first on ties: curl's `*/*` gets the text, a browser's `text/html` the page.
    static let indexTypes = ["text/plain", "text/html"]

    /// Adds GET /docs and the playground's assets. `/` itself is routed by `JacobianAPI`, which calls `index`.
    static func register(in router: inout Router) {
        let script = page(PackageResources.playground_js, type: "text/javascript; charset=utf-8", policy: playgroundPolicy)
        let style = page(PackageResources.playground_css, type: "text/css; charset=utf-8", policy: playgroundPolicy)
        router.add("GET", "/playground/playground.js") { _ in script }
        router.add("GET", "/playground/playground.css") { _ in style }
        router.add("GET", "/docs") { _ in docs }
    }

    /// `/`: the playground for clients preferring HTML, `welcome` as text for everyone else (an Accept naming
    /// neither still gets the text: the index has no error to give).
    static func index(_ request: HTTPRequest, welcome: String) -> HTTPResponse {
        let accept = request.headers.values(for: "Accept")
        let preferred = MediaNegotiation.preferred(accept: accept.isEmpty ? nil : accept.joined(separator: ", "),
                                                   available: indexTypes)
        var response = preferred == "text/html"
            ? playground
            : HTTPResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: welcome)
        response.headers.replaceOrAdd("Vary", "Accept")
        return response
    }

    static let playground = page(PackageResources.playground_html, type: "text/html; charset=utf-8", policy: playgroundPolicy)

    /// Rendered on first use, then kept: the document is part of the binary and never changes.
    static let docs = page(
        Array(APIReferencePage.render(yaml: String(decoding: PackageResources.openapi_yaml, as: UTF8.self)).utf8),
        type: "text/html; charset=utf-8", policy: docsPolicy)

    /// A 200 with the headers every page and asset carries: the policy, no MIME sniffing, no referrer, and
    /// revalidation on each load (the files change with the binary, and are small).
    static func page(_ body: [UInt8], type: String, policy: String) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: [
            "Content-Type": type,
            "Content-Security-Policy": policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        ], body: body)
    }
}
