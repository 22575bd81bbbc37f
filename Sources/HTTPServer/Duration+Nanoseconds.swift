import Dispatch

extension Duration {
    /// The duration in whole nanoseconds, saturated to what a `UInt64` monotonic deadline can add (half its
    /// range); 0 for a negative duration. The one conversion every module uses for timers and deadlines.
    public var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let ns = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if ns.overflow { return UInt64.max / 2 }
        return UInt64(ns.partialValue) + UInt64(attoseconds / 1_000_000_000)
    }

    /// `nanoseconds` as a Dispatch interval, for `asyncAfter` and timer sources.
    public var dispatchInterval: DispatchTimeInterval { .nanoseconds(Int(clamping: nanoseconds)) }
}
