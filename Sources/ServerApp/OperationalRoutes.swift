import HTTPServer

/// The routes every replica serves for its operators, whatever the API: liveness, readiness and metrics.
public enum OperationalRoutes {
    /// Totals of the compiled-function cache, read at each scrape.
    public typealias CacheTotals = @Sendable () -> (hits: Int, misses: Int, entries: Int)

    /// Adds `GET /healthz`, `GET /readyz` and `GET /metrics` to `router`.
    ///
    /// - `/healthz`: 200 `{"status":"ok"}` whenever the process can answer, draining included, so that a
    ///   liveness probe never kills a process that is shutting down cleanly.
    /// - `/readyz`: 200 `{"status":"ready"}` while `readiness` is ready; otherwise 503 problem+json.
    /// - `/metrics`: the Prometheus text format, after bringing the cache metrics up to `cacheTotals()`.
    ///
    /// They are cheap, so the server answers them without the worker pool (`Router.InlinePolicy.always`): probes and
    /// scrapes answer at once however busy the workers are.
    public static func add(
        to router: inout Router, readiness: Readiness, metrics: ServiceMetrics, cacheTotals: CacheTotals? = nil
    ) {
        router.add("GET", "/healthz", inline: .always) { _ in
            uncached(HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ok"}"#))
        }
        router.add("GET", "/readyz", inline: .always) { _ in
            switch readiness.current {
            case .ready:
                return uncached(HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ready"}"#))
            case .starting:
                return uncached(Problem(status: .serviceUnavailable, detail: "starting: not listening yet").response)
            case .draining:
                return uncached(Problem.errorResponder(
                    .serviceUnavailable, "draining before shutdown; send new requests to another replica"))
            }
        }
        router.add("GET", "/metrics", inline: .always) { _ in
            if let totals = cacheTotals?() {
                metrics.updateCache(hits: totals.hits, misses: totals.misses, entries: totals.entries)
            }
            return uncached(HTTPResponse(
                status: .ok, headers: ["Content-Type": ServiceMetrics.contentType], body: metrics.render()))
        }
    }

    /// Probes and scrapes must see the live state, never a cached copy.
    private static func uncached(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.headers.replaceOrAdd("Cache-Control", "no-store")
        return response
    }
}
