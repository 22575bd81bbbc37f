import Dispatch
import Foundation
import Synchronization

extension CompiledFunction {
    /// Batches larger than this are split across every core; smaller ones run on the calling thread, where
    /// dispatching would cost more than it saves (a small Jacobian takes well under a microsecond).
    static let parallelBatchThreshold = 256
    /// The fewest points one parallel chunk takes, so each task amortizes its scheduling.
    static let minimumChunkSize = 64

    /// The value and Jacobian at each point, in the order of `points`.
    ///
    /// Batches of more than `parallelBatchThreshold` points are spread over every core; the results are the same
    /// as evaluating point by point. `limits.maxBatchSize` is checked before any work (pass the limits the function
    /// was compiled with, as `JacobianEngine.limits`). When points fail, the error of the failing point with the
    /// lowest index is thrown, with `pointIndex` set and `pointer` relative to that point.
    public func jacobians(
        at points: [[Double]], mode: DifferentiationMode = .auto, limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> [JacobianResult] {
        try checkBatchSize(points.count, limits: limits)
        let resolved = resolvedMode(mode)
        let rows = outputCount
        let entryCount = outputCount * columnCount
        return try Self.mapBatch(count: points.count) { (index) throws(EngineError) -> JacobianResult in
            let point = points[index]
            try checkDimension(of: point)
            var failure: EngineError?
            var entries: [Double] = []
            let value = [Double](unsafeUninitializedCapacity: rows) { valueBuffer, valueCount in
                valueBuffer.initialize(repeating: 0)
                valueCount = rows
                entries = [Double](unsafeUninitializedCapacity: entryCount) { jacobianBuffer, jacobianCount in
                    jacobianBuffer.initialize(repeating: 0)
                    jacobianCount = entryCount
                    point.withUnsafeBufferPointer { pointBuffer in
                        do throws(EngineError) {
                            try program.jacobian(
                                at: pointBuffer, mode: resolved, value: valueBuffer, jacobian: jacobianBuffer)
                        } catch {
                            failure = error
                        }
                    }
                }
            }
            if let failure { throw failure }
            return JacobianResult(value: value, jacobian: Matrix(rows: rows, columns: columnCount, storage: entries))
        }
    }

    /// The value at each point, in the order of `points`; parallelism, limits and errors as in
    /// `jacobians(at:mode:limits:)`.
    public func evaluations(
        at points: [[Double]], limits: EngineLimits = EngineLimits()
    ) throws(EngineError) -> [[Double]] {
        try checkBatchSize(points.count, limits: limits)
        return try Self.mapBatch(count: points.count) { (index) throws(EngineError) -> [Double] in
            try evaluate(at: points[index])
        }
    }

    private func checkBatchSize(_ count: Int, limits: EngineLimits) throws(EngineError) {
        guard count <= limits.maxBatchSize else {
            throw EngineError.limitExceeded(
                "maxBatchSize", "the batch has \(count) points, more than maxBatchSize (\(limits.maxBatchSize))")
        }
    }

    /// `(0..<count).map(body)`, in parallel chunks for large counts. On failure, throws the error of the lowest
    /// failing index with `pointIndex` set; a chunk stops at its own first failure and skips its work once a lower
    /// index has failed elsewhere.
    static func mapBatch<R>(
        count: Int, _ body: @Sendable (Int) throws(EngineError) -> R
    ) throws(EngineError) -> [R] {
        if count <= parallelBatchThreshold {
            var results: [R] = []
            results.reserveCapacity(count)
            for index in 0..<count {
                do throws(EngineError) {
                    results.append(try body(index))
                } catch {
                    var located = error
                    located.pointIndex = index
                    throw located
                }
            }
            return results
        }

        let chunkCount = min(
            (count + minimumChunkSize - 1) / minimumChunkSize,
            ProcessInfo.processInfo.activeProcessorCount * 4)
        let chunkSize = (count + chunkCount - 1) / chunkCount
        let firstFailure = Mutex<(index: Int, error: EngineError)?>(nil)
        // The lowest failing index so far, read without the lock before every point.
        let lowestFailedIndex = Atomic<Int>(Int.max)
        // How many results each chunk has initialized: always a prefix of its range.
        var initializedPerChunk = [Int](repeating: 0, count: chunkCount)
        let results = [R](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initializedPerChunk.withUnsafeMutableBufferPointer { counts in
                // Each chunk writes only its own indices and its own count, so threads never share an element.
                let output = DisjointWrites(buffer: buffer)
                let progress = DisjointWrites(buffer: counts)
                DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                    let start = chunk * chunkSize
                    for index in start..<min(count, start + chunkSize) {
                        if lowestFailedIndex.load(ordering: .relaxed) < index { return }
                        do throws(EngineError) {
                            (output.buffer.baseAddress! + index).initialize(to: try body(index))
                            progress.buffer[chunk] += 1
                        } catch {
                            firstFailure.withLock { current in
                                if current == nil || index < current!.index { current = (index, error) }
                            }
                            lowestFailedIndex.min(index, ordering: .relaxed)
                            return
                        }
                    }
                }
                if firstFailure.withLock({ $0 != nil }) {
                    for chunk in 0..<chunkCount {
                        (buffer.baseAddress! + chunk * chunkSize).deinitialize(count: counts[chunk])
                    }
                    initializedCount = 0
                } else {
                    initializedCount = count
                }
            }
        }
        if let (index, error) = firstFailure.withLock({ $0 }) {
            var located = error
            located.pointIndex = index
            throw located
        }
        return results
    }
}

/// A buffer written from several threads at disjoint indices only, which is what makes the unchecked conformance
/// sound; it lives only for one `concurrentPerform`.
private struct DisjointWrites<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}
