import HTTPServer
import Metrics
import Prometheus
import Synchronization

/// The service's Prometheus metrics: one registry that `/metrics` renders, holding
/// - the request metrics this type records (`http_requests_total`, `http_request_duration_seconds`),
/// - the compiled-function cache counters, refreshed at each scrape (`jacobian_cache_*`),
/// - and every swift-metrics metric of the other modules (the server's `http_open_connections`,
///   `http_worker_queue_depth`, `http_requests_in_flight`, `http_requests_rejected_total`,
///   `http_buffered_body_bytes`, `http_buffered_response_bytes`, `http_requests_cancelled_total`,
///   `http_connections_evicted_total`), once
///   `bootstrapMetricsSystem()` has made this registry the process's swift-metrics backend.
///
/// Its own metrics are registered on the registry directly, not through the global `MetricsSystem`, so that tests
/// can create as many independent instances as they like; the global system can be bootstrapped once per process.
public final class ServiceMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    /// Latency buckets from 100 µs (a cached Jacobian of a small function) to 10 s (a large batch or a long
    /// solver run), roughly ×2.5 apart so that each decade has three buckets.
    public static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// The methods used as label values; any other method is counted as `OTHER` so that clients cannot
    /// create unbounded label values.
    private static let methodLabels = Router.knownMethods

    private let cacheHits: Prometheus.Counter
    private let cacheMisses: Prometheus.Counter
    private let cacheEntries: Prometheus.Gauge
    /// The cache totals last added to the counters: the engine keeps totals, Prometheus counters take increments.
    private let lastCacheTotals = Mutex((hits: 0, misses: 0))

    /// Metrics recorded into `registry` (a fresh one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        cacheHits = registry.makeCounter(descriptor: MetricNameDescriptor(
            metricName: "jacobian_cache_hits", unitName: "total",
            helpText: "Compilations answered from the compiled-function cache."))
        cacheMisses = registry.makeCounter(descriptor: MetricNameDescriptor(
            metricName: "jacobian_cache_misses", unitName: "total",
            helpText: "Compilations that missed the compiled-function cache."))
        cacheEntries = registry.makeGauge(descriptor: MetricNameDescriptor(
            metricName: "jacobian_cache_entries", unitName: "",
            helpText: "Compiled functions currently in the cache."))
    }

    /// Makes this registry the process-wide swift-metrics backend, so that the metrics other modules emit
    /// through swift-metrics appear in `/metrics`. Call once, before creating the server; a second call traps
    /// (swift-metrics allows one bootstrap per process).
    public func bootstrapMetricsSystem() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        MetricsSystem.bootstrap(factory)
    }

    /// The middleware that counts each request by route, method and status and times it (a request an inline
    /// attempt declined is counted once, where it is answered).
    ///
    /// The route label is the one `Router` set on the response, or `unmatched` for paths no route serves; never
    /// the raw path of an unknown URL, which would let clients create any number of time series.
    public var instrumentation: HTTPMiddleware {
        return { [self] request, next in
            let started = ContinuousClock.now
            guard let response = next(request) else { return nil }
            record(route: response.route ?? "unmatched", method: request.method, status: response.status.code,
                   duration: ContinuousClock.now - started)
            return response
        }
    }

    /// Records one finished request.
    func record(route: String, method: String, status: Int, duration: Duration) {
        let methodLabel = Self.methodLabels.contains(method) ? method : "OTHER"
        let (counter, histogram) = series(route: route, method: methodLabel, status: status)
        counter.increment()
        histogram.record(duration)
    }

    private struct SeriesKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// The request counter and latency histogram of one label set, registered once and then reused: the registry
    /// validates names and labels on every registration, which is more work than a dictionary lookup.
    private let requestSeries = Mutex<[SeriesKey: (Prometheus.Counter, Prometheus.DurationHistogram)]>([:])

    private func series(route: String, method: String, status: Int)
        -> (Prometheus.Counter, Prometheus.DurationHistogram)
    {
        let key = SeriesKey(route: route, method: method, status: status)
        return requestSeries.withLock { cache in
            if let found = cache[key] { return found }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "http_requests", unitName: "total",
                    helpText: "Requests answered, by route, method and status code."),
                labels: [("route", route), ("method", method), ("status", String(status))])
            let histogram = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    metricName: "http_request_duration", unitName: "seconds",
                    helpText: "Time from the complete request to the computed response, by route."),
                labels: [("route", route)], buckets: Self.durationBuckets)
            cache[key] = (counter, histogram)
            return (counter, histogram)
        }
    }

    /// Brings the cache metrics up to the engine's totals (`hits`, `misses` since start) and current `entries`.
    public func updateCache(hits: Int, misses: Int, entries: Int) {
        lastCacheTotals.withLock { last in
            // Totals only grow; should they ever go back (a new engine), count from the new totals.
            cacheHits.increment(by: Int64(hits >= last.hits ? hits - last.hits : hits))
            cacheMisses.increment(by: Int64(misses >= last.misses ? misses - last.misses : misses))
            last = (hits, misses)
        }
        cacheEntries.set(Double(entries))
    }

    /// Every metric in the Prometheus text format 0.0.4.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }

    /// The content type of `render()`'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
