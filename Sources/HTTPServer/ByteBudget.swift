import Metrics
import Synchronization

/// Bytes the whole process may hold at once for one purpose, shared by every connection and both protocols:
/// request bodies being received (`HTTPLimits.maxBufferedBodyBytes`), and responses waiting for their clients to
/// read them (`HTTPLimits.maxBufferedResponseBytes`).
///
/// Each limit on a request or a connection bounds memory only per client; without a shared budget the process
/// could hold `maxConnections` × the largest body or response. Bodies are reserved as their bytes arrive (what
/// one socket read or one HTTP/2 DATA frame delivered, never a declared length, which would let a client fill the
/// budget with declarations) and released once the request is answered or its connection or stream goes.
/// Responses are reserved when they are queued and released as the client reads them. A reservation that does not
/// fit is refused: the request, or the response, is answered 503.
///
/// Thread safety: a `Mutex`-guarded counter; the gauge is recorded under the lock so that it never shows a
/// stale value after a newer one.
public final class ByteBudget: Sendable {
    /// The most bytes that may be reserved at once.
    public let limit: Int
    private let reservedBytes = Mutex(0)
    private let gauge: Gauge?
    private let rejections: Counter?

    /// A budget of `limit` bytes. `gauge` records the bytes reserved after each change, `rejections` counts
    /// refused reservations; both optional so that unit tests need no metrics.
    init(limit: Int, gauge: Gauge? = nil, rejections: Counter? = nil) {
        self.limit = max(0, limit)
        self.gauge = gauge
        self.rejections = rejections
        gauge?.record(0)
    }

    /// Reserves `bytes` if they fit under the limit; false, reserving nothing, if they do not.
    /// Zero or fewer bytes always fit. Every successful reservation must be released exactly once.
    public func reserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        let fits = reservedBytes.withLock { reserved in
            guard bytes <= limit - reserved else { return false }
            reserved += bytes
            gauge?.record(reserved)
            return true
        }
        if !fits { rejections?.increment() }
        return fits
    }

    /// Gives back `bytes` reserved earlier.
    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        reservedBytes.withLock { reserved in
            // More than was reserved is a bookkeeping bug: caught in debug builds, clamped in release builds
            // so that the budget cannot go negative and let more in than the limit.
            assert(bytes <= reserved, "released \(bytes) bytes of a body budget holding \(reserved)")
            reserved = max(0, reserved - bytes)
            gauge?.record(reserved)
        }
    }

    /// Bytes reserved now. For tests, which check that every path gives back what it took.
    var reserved: Int { reservedBytes.withLock { $0 } }
}
