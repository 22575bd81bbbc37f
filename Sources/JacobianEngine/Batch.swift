import Dispatch
import Foundation
import Synchronization

extension CompiledFunction {
    /// Batches larger than this are split across every core; smaller ones run on the calling thread, where
    /// dispatching would cost more than it saves (a small Jacobian takes well under a microsecond).
    static let parallelBatchThreshold = 256
    /// The fewest points one parallel chunk takes, so each task amortizes its scheduling.
    static let minimumChunkSize = 64
    /// Points between two checks of the interruption: a clock read per 16 points costs well under 1% of even
    /// the smallest Jacobians, and 16 of the largest allowed take well under the time limit's resolution.
    static let interruptionInterval = 16

    /// The value and Jacobian at each point, in the order of `points`.
    ///
    /// Batches of more than `parallelBatchThreshold` points are spread over every core; the results are the same
    /// as evaluating point by point. `interruption` is checked every `interruptionInterval` points: past its
    /// deadline or once its requester has gone, the batch stops and its error is thrown. `limits.maxBatchSize` is checked before any work (pass the limits the function
    /// was compiled with, as `JacobianEngine.limits`). When points fail, the error of the failing point with the
    /// lowest index is thrown, with `pointIndex` set and `pointer` relative to that point.
    public func jacobians(
        at points: [[Double]], mode: DifferentiationMode = .auto, limits: EngineLimits = EngineLimits(),
        interruption: Interruption = .none
    ) throws(EngineError) -> [JacobianResult] {
        try checkBatchSize(points.count, limits: limits)
        try checkBatchEntries(points.count, perPoint: [outputCount, columnCount], what: "Jacobians", limits: limits)
        let resolved = resolvedMode(mode)
        // Every result is allocated here, zeroed, and filled in place by the workers: memory that worker threads
        // allocate and the caller later frees crosses malloc arenas, which cost about 60% more CPU per small
        // Jacobian than the Jacobian itself.
        var results = (0..<points.count).map { _ in
            JacobianResult(
                value: [Double](repeating: 0, count: outputCount), jacobian: Matrix(rows: outputCount, columns: columnCount))
        }
        try results.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
            let output = DisjointWrites(buffer: buffer)
            if resolved == .forward, let expression = program as? ExpressionProgram,
               let lanes = expression.forwardBlockLanes {
                try fillInBlocks(output, at: points, program: expression, lanes: lanes, interruption: interruption)
                return
            }
            try Self.forEachPoint(count: points.count, interruption: interruption) { (index) throws(EngineError) in
                try fill(&output.buffer[index], at: points[index], mode: resolved)
            }
        }
        return results
    }

    /// Forward-mode Jacobians of an expression `lanes` points at a time (`ExpressionProgram.forwardBlock`); a
    /// block with a non-finite result is redone point by point, so that the error names its point, row, column
    /// and operation exactly as without blocks.
    private func fillInBlocks(
        _ output: DisjointWrites<JacobianResult>, at points: [[Double]], program: ExpressionProgram, lanes: Int,
        interruption: Interruption
    ) throws(EngineError) {
        let blockCount = (points.count + lanes - 1) / lanes
        let stride = outputCount * (columnCount + 1)
        try Self.forEachPoint(count: blockCount, pointsPerIndex: lanes, interruption: interruption) {
            (block) throws(EngineError) in
            let start = block * lanes, count = min(lanes, points.count - start)
            for index in start..<(start + count) {
                do throws(EngineError) { try checkDimension(of: points[index]) } catch {
                    var located = error
                    located.pointIndex = index
                    throw located
                }
            }
            let finite = withUnsafeTemporaryAllocation(of: Double.self, capacity: count * stride) { scratch in
                let base = scratch.baseAddress!
                guard program.forwardBlock(points, start: start, count: count, lanes: lanes, output: base) else {
                    return false
                }
                for l in 0..<count {
                    let source = base + l * stride
                    output.buffer[start + l].value.withUnsafeMutableBufferPointer {
                        $0.baseAddress!.update(from: source, count: outputCount)
                    }
                    output.buffer[start + l].jacobian.storage.withUnsafeMutableBufferPointer {
                        $0.baseAddress?.update(from: source + outputCount, count: outputCount * columnCount)
                    }
                }
                return true
            }
            guard !finite else { return }
            for index in start..<(start + count) {
                do throws(EngineError) { try fill(&output.buffer[index], at: points[index], mode: .forward) } catch {
                    var located = error
                    located.pointIndex = index
                    throw located
                }
            }
        }
    }

    /// The value at each point, in the order of `points`; parallelism, limits and errors as in
    /// `jacobians(at:mode:limits:)` (the values, points × outputs, count against `maxBatchEntries`).
    public func evaluations(
        at points: [[Double]], limits: EngineLimits = EngineLimits(), interruption: Interruption = .none
    ) throws(EngineError) -> [[Double]] {
        try checkBatchSize(points.count, limits: limits)
        try checkBatchEntries(points.count, perPoint: [outputCount], what: "values", limits: limits)
        var results = (0..<points.count).map { _ in [Double](repeating: 0, count: outputCount) }
        try results.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
            let output = DisjointWrites(buffer: buffer)
            try Self.forEachPoint(count: points.count, interruption: interruption) { (index) throws(EngineError) in
                let point = points[index]
                try checkDimension(of: point)
                var failure: EngineError?
                output.buffer[index].withUnsafeMutableBufferPointer { value in
                    point.withUnsafeBufferPointer { pointBuffer in
                        do throws(EngineError) { try program.evaluate(at: pointBuffer, value: value) } catch {
                            failure = error
                        }
                    }
                }
                if let failure { throw failure }
            }
        }
        return results
    }

    /// Writes the value and Jacobian at `point` into `result`, whose arrays have the right sizes and are zero.
    private func fill(_ result: inout JacobianResult, at point: [Double], mode: DifferentiationMode) throws(EngineError) {
        try checkDimension(of: point)
        var failure: EngineError?
        result.value.withUnsafeMutableBufferPointer { value in
            result.jacobian.storage.withUnsafeMutableBufferPointer { jacobian in
                point.withUnsafeBufferPointer { pointBuffer in
                    do throws(EngineError) {
                        try program.jacobian(at: pointBuffer, mode: mode, value: value, jacobian: jacobian)
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
    }

    func checkBatchSize(_ count: Int, limits: EngineLimits) throws(EngineError) {
        guard count <= limits.maxBatchSize else {
            throw EngineError.limitExceeded(
                "maxBatchSize", "the batch has \(count) points, more than maxBatchSize (\(limits.maxBatchSize))")
        }
    }

    /// Refuses a batch whose results would hold more than `maxBatchEntries` numbers: `count` points, each of the
    /// shape `perPoint` (rows, or rows × columns).
    func checkBatchEntries(
        _ count: Int, perPoint shape: [Int], what: String, limits: EngineLimits
    ) throws(EngineError) {
        var entries = count, overflow = false
        for extent in shape where !overflow { (entries, overflow) = entries.multipliedReportingOverflow(by: extent) }
        guard !overflow, entries <= limits.maxBatchEntries else {
            let sizes = ([count] + shape).map(String.init).joined(separator: " × ")
            throw EngineError.limitExceeded(
                "maxBatchEntries", "the batch's \(what) would have \(sizes) entries, more than maxBatchEntries "
                    + "(\(limits.maxBatchEntries)); send fewer points per request")
        }
    }

    /// Both batch checks: the number of points, and the numbers their results hold.
    func checkBatch(_ count: Int, perPoint shape: [Int], what: String, limits: EngineLimits) throws(EngineError) {
        try checkBatchSize(count, limits: limits)
        try checkBatchEntries(count, perPoint: shape, what: what, limits: limits)
    }

    /// Runs `body` for every index in `0..<count`: in order on the calling thread up to `parallelBatchThreshold`,
    /// else in chunks across the cores. On failure, throws the error of the lowest failing index with `pointIndex`
    /// set; a chunk stops at its own first failure and skips its points once a lower index has failed elsewhere.
    ///
    /// With `pointsPerIndex` > 1 an index stands for that many points (a block): the thresholds and the
    /// interruption interval count points, and an error that already names its point keeps it.
    static func forEachPoint(
        count: Int, pointsPerIndex: Int = 1, interruption: Interruption = .none,
        _ body: @Sendable (Int) throws(EngineError) -> Void
    ) throws(EngineError) {
        let checkInterval = max(1, interruptionInterval / pointsPerIndex)
        if count * pointsPerIndex <= parallelBatchThreshold {
            for index in 0..<count {
                if index % checkInterval == 0 { try interruption.check() }
                do throws(EngineError) {
                    try body(index)
                } catch {
                    var located = error
                    located.pointIndex = pointsPerIndex > 1 ? (error.pointIndex ?? index) : index
                    throw located
                }
            }
            return
        }

        let minimumChunk = max(1, minimumChunkSize / pointsPerIndex)
        let chunkCount = min(
            (count + minimumChunk - 1) / minimumChunk,
            ProcessInfo.processInfo.activeProcessorCount * 4)
        let chunkSize = (count + chunkCount - 1) / chunkCount
        let firstFailure = Mutex<(index: Int, error: EngineError)?>(nil)
        // The lowest failing index so far, read without the lock before every point.
        let lowestFailedIndex = Atomic<Int>(Int.max)
        let interrupted = Mutex<EngineError?>(nil)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = chunk * chunkSize
            // Rounding the chunk size up can leave the last chunks empty.
            guard start < count else { return }
            for index in start..<min(count, start + chunkSize) {
                if lowestFailedIndex.load(ordering: .relaxed) < index { return }
                if (index - start) % checkInterval == 0 {
                    do throws(EngineError) { try interruption.check() } catch {
                        interrupted.withLock { $0 = $0 ?? error }
                        lowestFailedIndex.store(-1, ordering: .relaxed)  // Stops every chunk at its next point.
                        return
                    }
                }
                do throws(EngineError) {
                    try body(index)
                } catch {
                    firstFailure.withLock { current in
                        if current == nil || index < current!.index { current = (index, error) }
                    }
                    lowestFailedIndex.min(index, ordering: .relaxed)
                    return
                }
            }
        }
        if let error = interrupted.withLock({ $0 }) { throw error }
        if let (index, error) = firstFailure.withLock({ $0 }) {
            var located = error
            located.pointIndex = pointsPerIndex > 1 ? (error.pointIndex ?? index) : index
            throw located
        }
    }
}

/// A buffer written from several threads at disjoint indices only, which is what makes the unchecked conformance
/// sound; it lives only for one batch.
struct DisjointWrites<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}
