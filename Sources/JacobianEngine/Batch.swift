import Dispatch
import Foundation
import Synchronization

extension CompiledFunction {
    /// Batches larger than this are split into parallel chunks; smaller ones run on the calling thread, where
    /// dispatching would cost more than it saves (a small Jacobian takes well under a microsecond).
    static let parallelBatchThreshold = 256
    /// The fewest points one parallel chunk takes, so each chunk amortizes taking it.
    static let minimumChunkSize = 64
    /// The most points one chunk takes: a helper gives its thread back to waiting requests between chunks, so a
    /// chunk must stay short even for the heaviest functions.
    static let maximumChunkSize = 1024
    /// Points between two checks of the interruption: a clock read per 16 points costs well under 1% of even
    /// the smallest Jacobians, and 16 of the largest allowed take well under the time limit's resolution.
    static let interruptionInterval = 16

    /// The value and Jacobian at each point, in the order of `points`.
    ///
    /// The work is `jacobians(flat:count:mode:limits:interruption:)`'s; this form checks each point's length
    /// (naming the first wrong one) and splits the flat answer into one result per point.
    public func jacobians(
        at points: [[Double]], mode: DifferentiationMode = .auto, limits: EngineLimits = EngineLimits(),
        interruption: Interruption = .none
    ) throws(EngineError) -> [JacobianResult] {
        try checkBatchSize(points.count, limits: limits)
        // A point of the wrong length fails there, unless an earlier point fails first: the points before it run.
        let wrongLength = points.firstIndex { $0.count != inputCount }
        let valid = wrongLength ?? points.count
        var flat: [Double] = []
        flat.reserveCapacity(valid * inputCount)
        for point in points[..<valid] { flat.append(contentsOf: point) }
        let batch = try jacobians(flat: flat, count: valid, mode: mode, limits: limits, interruption: interruption)
        if let wrongLength {
            do throws(EngineError) { try checkDimension(of: points[wrongLength]) } catch {
                var located = error
                located.pointIndex = wrongLength
                throw located
            }
        }
        return batch.results
    }

    /// The values and Jacobians at `count` points given row-major in `points` (count × inputCount), in two flat
    /// buffers (`JacobianBatch`).
    ///
    /// Expression functions run in blocks of points (`ExpressionProgram.jacobianBlock`) in either mode; other
    /// functions point by point. Batches of more than `parallelBatchThreshold` points are split into chunks run by
    /// the calling thread and the helpers of `BatchParallelism.current`; the results are the same as point by
    /// point. `interruption` is checked every `interruptionInterval` points: past its deadline or once its
    /// requester has gone, the batch stops and its error is thrown. `limits.maxBatchSize` and
    /// `maxBatchEntries` are checked before any work (pass the limits the function was compiled with, as
    /// `JacobianEngine.limits`). When points fail, the error of the failing point with the lowest index is
    /// thrown, with `pointIndex` set and `pointer` relative to that point.
    public func jacobians(
        flat points: [Double], count: Int, mode: DifferentiationMode = .auto, limits: EngineLimits = EngineLimits(),
        interruption: Interruption = .none
    ) throws(EngineError) -> JacobianBatch {
        var batch = JacobianBatch(count: 0, rows: outputCount, columns: columnCount, values: [], jacobians: [])
        try jacobians(flat: points, count: count, mode: mode, limits: limits, interruption: interruption, into: &batch)
        return batch
    }

    /// `jacobians(flat:count:mode:limits:interruption:)` into `batch`, reusing its buffers when they are uniquely
    /// held (a caller evaluating batch after batch, as JAX's and PyTorch's allocators reuse theirs, pays for
    /// fresh pages only once). On error `batch` holds unspecified numbers of the right shape.
    public func jacobians(
        flat points: [Double], count: Int, mode: DifferentiationMode = .auto, limits: EngineLimits = EngineLimits(),
        interruption: Interruption = .none, into batch: inout JacobianBatch
    ) throws(EngineError) {
        try checkBatchSize(count, limits: limits)
        try checkBatchEntries(count, perPoint: [outputCount, columnCount], what: "Jacobians", limits: limits)
        guard count >= 0, points.count == count * inputCount else {
            throw EngineError(kind: .dimensionMismatch, message: "the points hold \(points.count) numbers, but "
                + "\(count) points of \(inputCount) inputs need \(count * inputCount)")
        }
        let resolved = resolvedMode(mode)
        let m = outputCount, n = columnCount
        var values = batch.values, jacobians = batch.jacobians
        batch = JacobianBatch(count: 0, rows: m, columns: n, values: [], jacobians: [])  // Leaves the buffers unique.
        defer { batch = JacobianBatch(count: count, rows: m, columns: n, values: values, jacobians: jacobians) }
        // Uninitialized when fresh: every path below writes every number (blocks all of theirs, points after
        // zeroing), in the worker that computes it, so new pages are first touched in parallel and written once.
        if values.count != count * m {
            values = [Double](unsafeUninitializedCapacity: count * m) { _, initialized in initialized = count * m }
        }
        if jacobians.count != count * m * n {
            jacobians = [Double](unsafeUninitializedCapacity: count * m * n) { _, initialized in
                initialized = count * m * n
            }
        }
        try points.withUnsafeBufferPointer { (pointBuffer) throws(EngineError) in
            try values.withUnsafeMutableBufferPointer { (valueBuffer) throws(EngineError) in
                try jacobians.withUnsafeMutableBufferPointer { (jacobianBuffer) throws(EngineError) in
                    let buffers = FlatBatchBuffers(
                        points: pointBuffer.baseAddress, values: valueBuffer.baseAddress,
                        jacobians: jacobianBuffer.baseAddress, n: inputCount, m: m, columns: n)
                    if let expression = program as? ExpressionProgram, let lanes = expression.blockLanes(resolved),
                       buffers.hasStorage {
                        try fillInBlocks(buffers, count: count, program: expression, lanes: lanes, mode: resolved,
                                         interruption: interruption)
                        return
                    }
                    try Self.forEachPoint(count: count, interruption: interruption) { (index) throws(EngineError) in
                        try fill(buffers, at: index, mode: resolved)
                    }
                }
            }
        }
    }

    /// Jacobians of an expression `lanes` points at a time (`ExpressionProgram.jacobianBlock`); a block with a
    /// non-finite result is redone point by point, so that the error names its point, row, column and operation
    /// exactly as without blocks.
    private func fillInBlocks(
        _ buffers: FlatBatchBuffers, count: Int, program: ExpressionProgram, lanes: Int, mode: DifferentiationMode,
        interruption: Interruption
    ) throws(EngineError) {
        let blockCount = (count + lanes - 1) / lanes
        try Self.forEachPoint(count: blockCount, pointsPerIndex: lanes, interruption: interruption) {
            (block) throws(EngineError) in
            let start = block * lanes, size = min(lanes, count - start)
            let finite = program.jacobianBlock(
                buffers.point(start)!, count: size, lanes: lanes, mode: mode, values: buffers.values(start)!,
                jacobians: buffers.jacobian(start)!)
            guard !finite else { return }
            for index in start..<(start + size) {
                do throws(EngineError) { try fill(buffers, at: index, mode: mode) } catch {
                    var located = error
                    located.pointIndex = index
                    throw located
                }
            }
        }
    }

    /// Writes the value and Jacobian at point `index` of the flat buffers, point by point.
    private func fill(_ buffers: FlatBatchBuffers, at index: Int, mode: DifferentiationMode) throws(EngineError) {
        let m = outputCount, entries = outputCount * columnCount
        let value = buffers.values(index), jacobian = buffers.jacobian(index)
        value?.initialize(repeating: 0, count: m)
        jacobian?.initialize(repeating: 0, count: entries)
        try program.jacobian(
            at: UnsafeBufferPointer(start: buffers.point(index), count: inputCount), mode: mode,
            value: UnsafeMutableBufferPointer(start: value, count: m),
            jacobian: UnsafeMutableBufferPointer(start: jacobian, count: entries))
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

    /// Runs `body` for every index in `0..<count`: in order on the calling thread up to `parallelBatchThreshold`
    /// points (or when `BatchParallelism.current` has no helpers), else in chunks taken by the calling thread and
    /// the helpers it is granted. On failure, throws the error of the lowest failing index with `pointIndex` set;
    /// a chunk stops at its own first failure and skips its points once a lower index has failed elsewhere.
    ///
    /// With `pointsPerIndex` > 1 an index stands for that many points (a block): the thresholds and the
    /// interruption interval count points, and an error that already names its point keeps it.
    static func forEachPoint(
        count: Int, pointsPerIndex: Int = 1, interruption: Interruption = .none,
        _ body: @Sendable (Int) throws(EngineError) -> Void
    ) throws(EngineError) {
        let checkInterval = max(1, interruptionInterval / pointsPerIndex)
        let parallelism = BatchParallelism.current
        if count * pointsPerIndex <= parallelBatchThreshold || parallelism.helpers == 0 || count < 2 {
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

        // About eight chunks per thread, so that threads that start late or are preempted still share the work,
        // within the chunk size bounds.
        let threads = parallelism.helpers + 1
        let minimumChunk = max(1, minimumChunkSize / pointsPerIndex)
        let maximumChunk = max(minimumChunk, maximumChunkSize / pointsPerIndex)
        let chunkSize = min(maximumChunk, max(minimumChunk, count / (8 * threads)))
        let firstFailure = Mutex<(index: Int, error: EngineError)?>(nil)
        // The lowest failing index so far, read without the lock before every point.
        let lowestFailedIndex = Atomic<Int>(Int.max)
        let interrupted = Mutex<EngineError?>(nil)
        let chunkCount = (count + chunkSize - 1) / chunkSize
        /// Takes chunks until none is left (or, for a helper, until its thread is wanted elsewhere).
        let runChunks: @Sendable (ChunkDispenser, ChunkDispenser.Body, _ isHelper: Bool) -> Void = {
            dispenser, body, isHelper in
            while !(isHelper && parallelism.shouldYield()), let chunk = dispenser.take() {
                let start = chunk * chunkSize
                for index in start..<min(count, start + chunkSize) {
                    if lowestFailedIndex.load(ordering: .relaxed) < index { break }
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
                        break
                    }
                }
            }
        }
        /// A helper's share; in a function of its own so that its hold on the body ends before `leave()`.
        @Sendable func help(_ dispenser: ChunkDispenser) -> Bool {
            guard let body = dispenser.enter() else { return false }  // The batch is already done.
            runChunks(dispenser, body, true)
            return true
        }
        withoutActuallyEscaping(body) { body in
            let dispenser = ChunkDispenser(chunkCount: chunkCount, body: body)
            for _ in 0..<min(parallelism.helpers, chunkCount - 1) {
                let granted = parallelism.offer {
                    if help(dispenser) { dispenser.leave() }
                }
                if !granted { break }
            }
            runChunks(dispenser, body, false)
            // No chunk is left to take; helpers still inside one are waited for, since they use `body`.
            dispenser.close()
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

/// The flat buffers of one batch (points count × n, values count × m, Jacobians count × m × columns), written
/// from several threads at disjoint points only; they live only for one batch.
struct FlatBatchBuffers: @unchecked Sendable {
    let points: UnsafePointer<Double>?
    let values: UnsafeMutablePointer<Double>?
    let jacobians: UnsafeMutablePointer<Double>?
    let n: Int, m: Int, columns: Int

    /// Whether every buffer has storage (an empty one, of a function without inputs, outputs or columns, has none).
    var hasStorage: Bool { points != nil && values != nil && jacobians != nil }

    // nil only for an empty buffer, whose slices are empty too.
    func point(_ index: Int) -> UnsafePointer<Double>? { points.map { $0 + index * n } }
    func values(_ index: Int) -> UnsafeMutablePointer<Double>? { values.map { $0 + index * m } }
    func jacobian(_ index: Int) -> UnsafeMutablePointer<Double>? { jacobians.map { $0 + index * m * columns } }
}
