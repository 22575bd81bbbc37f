import Foundation
import JacobianEngine

/// Release-mode benchmark of the engine: per-Jacobian median times for each workload beside a hand-written closure
/// computing the same result, and their ratio. Run with `swift run -c release jacobian-bench engine`, or
/// scripts/bench-engine.sh to get PyTorch and JAX figures from the same sitting.
func runEngineBenchmarks() {
    print("engine benchmark: medians of 15 rounds, µs per Jacobian (per point for batches), wall time and process "
        + "CPU time; \(ProcessInfo.processInfo.activeProcessorCount) cores")
    let engine = JacobianEngine()
    var rows: [EngineBenchRow] = []

    // The tutorial's 3×3 function, one point and batches.
    let seed = try! engine.compile(EngineWorkloads.seedSpec)
    let seedPoint = EngineWorkloads.seedPoint
    rows.append(EngineBenchRow(
        "seed 3×3, one point, cached function",
        check: (try! seed.jacobian(at: seedPoint), EngineWorkloads.seedByHand(seedPoint)),
        engine: { try! seed.jacobian(at: seedPoint).jacobian.storage[0] },
        hand: { EngineWorkloads.seedByHand(seedPoint).jacobian.storage[0] }))
    rows.append(EngineBenchRow(
        "seed 3×3, cache lookup + Jacobian", check: nil,
        engine: { try! engine.compile(EngineWorkloads.seedSpec).jacobian(at: seedPoint).jacobian.storage[0] },
        hand: { EngineWorkloads.seedByHand(seedPoint).jacobian.storage[0] }))
    var numbers = EngineWorkloads.Numbers(seed: 3)
    let batch = (0..<100_000).map { _ in numbers.vector(3) }
    rows.append(EngineBenchRow(
        "seed 3×3, batch of 100,000 (all cores)", perCall: batch.count,
        check: (try! seed.jacobians(at: batch)[99_999], EngineWorkloads.seedByHand(batch[99_999])),
        engine: { try! seed.jacobians(at: batch).last!.jacobian.storage[0] },
        hand: { batch.map(EngineWorkloads.seedByHand).last!.jacobian.storage[0] }))
    // The same batch as one row-major buffer in and two out (`JacobianBatch`), as JAX and PyTorch take it.
    let flatBatch = batch.flatMap { $0 }
    rows.append(EngineBenchRow(
        "seed 3×3, flat batch of 100,000", perCall: batch.count,
        check: (try! seed.jacobians(flat: flatBatch, count: batch.count).result(at: 99_999),
                EngineWorkloads.seedByHand(batch[99_999])),
        engine: { try! seed.jacobians(flat: flatBatch, count: batch.count).jacobians[0] },
        hand: { batch.map(EngineWorkloads.seedByHand).last!.jacobian.storage[0] }))
    rows.append(EngineBenchRow(
        "seed 3×3, flat batch, one thread", perCall: batch.count, check: nil,
        engine: {
            BatchParallelism.$current.withValue(.callingThread) {
                try! seed.jacobians(flat: flatBatch, count: batch.count).jacobians[0]
            }
        },
        hand: { batch.map(EngineWorkloads.seedByHand).last!.jacobian.storage[0] }))
    // Into the same buffers each time, as a caller evaluating batch after batch (JAX's and PyTorch's allocators
    // reuse theirs): no fresh pages to fault in.
    let reusedBox = ReusedBatch(try! seed.jacobians(flat: flatBatch, count: batch.count))
    rows.append(EngineBenchRow(
        "seed 3×3, flat batch, reused buffers", perCall: batch.count, check: nil,
        engine: {
            try! seed.jacobians(flat: flatBatch, count: batch.count, into: &reusedBox.batch)
            return reusedBox.batch.jacobians[0]
        },
        hand: { batch.map(EngineWorkloads.seedByHand).last!.jacobian.storage[0] }))
    rows.append(EngineBenchRow(
        "seed 3×3, 100,000 points one by one", perCall: batch.count, check: nil,
        engine: { batch.reduce(0) { $0 + (try! seed.jacobian(at: $1)).jacobian.storage[0] } },
        hand: { batch.reduce(0) { $0 + EngineWorkloads.seedByHand($1).jacobian.storage[0] } }))

    // Dense 50×50.
    let dense = try! engine.compile(EngineWorkloads.denseSpec)
    let densePoint = numbers.vector(EngineWorkloads.denseSize)
    rows.append(EngineBenchRow(
        "dense 50×50, Σ c_ij sin(x_j + x_i)",
        check: (try! dense.jacobian(at: densePoint), EngineWorkloads.denseByHand(densePoint)),
        engine: { try! dense.jacobian(at: densePoint).jacobian.storage[0] },
        hand: { EngineWorkloads.denseByHand(densePoint).jacobian.storage[0] }))

    // Gradient of a 1000-input scalar function, and one evaluation of it.
    let gradient = try! engine.compile(EngineWorkloads.gradientSpec)
    let gradientPoint = numbers.vector(EngineWorkloads.gradientSize)
    let gradientRow = EngineBenchRow(
        "gradient, 1000 inputs → 1 output",
        check: (try! gradient.jacobian(at: gradientPoint), EngineWorkloads.gradientByHand(gradientPoint)),
        engine: { try! gradient.jacobian(at: gradientPoint).jacobian.storage[0] },
        hand: { EngineWorkloads.gradientByHand(gradientPoint).jacobian.storage[0] })
    let evaluationRow = EngineBenchRow(
        "  same function, one evaluation", check: nil,
        engine: { try! gradient.evaluate(at: gradientPoint)[0] },
        hand: { EngineWorkloads.gradientValueByHand(gradientPoint) })
    rows += [gradientRow, evaluationRow]

    // Banded 1000×1000, returned dense.
    let banded = try! engine.compile(EngineWorkloads.bandedSpec)
    let bandedPoint = numbers.vector(EngineWorkloads.bandedSize)
    rows.append(EngineBenchRow(
        "banded 1000×1000 (dense result)",
        check: (try! banded.jacobian(at: bandedPoint), EngineWorkloads.bandedByHand(bandedPoint)),
        engine: { try! banded.jacobian(at: bandedPoint).jacobian.storage[0] },
        hand: { EngineWorkloads.bandedByHand(bandedPoint).jacobian.storage[0] }))

    // Sparse, product and second-order answers (issue 16).
    rows += EngineDerivativeWorkloads.rows(engine: engine, numbers: &numbers)

    // The 64-128-128-10 tanh network with respect to its input.
    let network = BenchmarkNetwork()
    let mlp = try! engine.compile(network.spec)
    rows.append(EngineBenchRow(
        "MLP 64-128-128-10 tanh, wrt input",
        check: (try! mlp.jacobian(at: network.point), network.jacobianByHand(network.point)),
        engine: { try! mlp.jacobian(at: network.point).jacobian.storage[0] },
        hand: { network.jacobianByHand(network.point).jacobian.storage[0] }))
    let networkBatch = (0..<1_000).map { _ in numbers.vector(64) }
    rows.append(EngineBenchRow(
        "MLP, batch of 1,000 (all cores)", perCall: networkBatch.count,
        check: (try! mlp.jacobians(at: networkBatch)[999], network.jacobianByHand(networkBatch[999])),
        engine: { try! mlp.jacobians(at: networkBatch).last!.jacobian.storage[0] },
        hand: { networkBatch.map(network.jacobianByHand).last!.jacobian.storage[0] }))

    // ENGINE_BENCH_ONLY=MLP times only the rows whose name contains that text (for profiling one workload).
    if let only = ProcessInfo.processInfo.environment["ENGINE_BENCH_ONLY"] {
        for row in rows where row.name.contains(only) { print(row.measured()) }
        return
    }
    print(EngineBenchRow.header)
    for row in rows { print(row.measured()) }
    let table = Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0) })
    let single = table["seed 3×3, one point, cached function"]!.result!
    let batchRow = table["seed 3×3, batch of 100,000 (all cores)"]!.result!
    let gradientTime = gradientRow.result!.engine
    let evaluationTime = evaluationRow.result!.engine
    print("")
    print("targets (wall / CPU): 3×3 one point \(format(single.engine.wall)) / \(format(single.engine.cpu)) µs "
        + "(goal < 1 µs); batch per point \(format(batchRow.engine.wall / batchRow.hand.wall))× / "
        + "\(format(batchRow.engine.cpu / batchRow.hand.cpu))× the hand closure (goal ≤ 3×); gradient "
        + "\(format(gradientTime.wall / evaluationTime.wall))× / \(format(gradientTime.cpu / evaluationTime.cpu))× "
        + "one evaluation (goal ≤ 5×)")
    print("checksum \(EngineBenchTiming.sink)")
}

/// The buffers a benchmark row reuses from call to call.
final class ReusedBatch {
    var batch: JacobianBatch
    init(_ batch: JacobianBatch) { self.batch = batch }
}

/// One line of the table: a workload timed through the engine and through its hand-written closure.
final class EngineBenchRow {
    let name: String
    let perCall: Int
    let engine: () -> Double
    let hand: () -> Double
    let agreement: Double?
    private(set) var result: (engine: EngineBenchTiming.Sample, hand: EngineBenchTiming.Sample)?

    /// `check` holds the engine's and the closure's results at the benchmark point, compared before timing.
    init(
        _ name: String, perCall: Int = 1, check: (JacobianResult, JacobianResult)?,
        engine: @escaping () -> Double, hand: @escaping () -> Double
    ) {
        self.name = name
        self.perCall = perCall
        self.engine = engine
        self.hand = hand
        agreement = check.map { engineResult, handResult in
            zip(engineResult.jacobian.storage + engineResult.value, handResult.jacobian.storage + handResult.value)
                .map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        }
    }

    static let header = "workload".padding(toLength: 40, withPad: " ", startingAt: 0)
        + "engine wall".leftPadded(12) + "engine CPU".leftPadded(11) + "hand wall".leftPadded(11)
        + "hand CPU".leftPadded(10) + "ratio".leftPadded(8) + "   agreement"

    /// Times the row; the ratio is engine over hand-written closure, on CPU time.
    func measured() -> String {
        var engineTime = EngineBenchTiming.median { EngineBenchTiming.consume(engine()) }
        var handTime = EngineBenchTiming.median { EngineBenchTiming.consume(hand()) }
        let points = Double(perCall)
        engineTime.wall /= points
        engineTime.cpu /= points
        handTime.wall /= points
        handTime.cpu /= points
        result = (engineTime, handTime)
        let check = agreement.map { String(format: "%.1e", $0) } ?? "-"
        return name.padding(toLength: 40, withPad: " ", startingAt: 0)
            + format(engineTime.wall).leftPadded(12) + format(engineTime.cpu).leftPadded(11)
            + format(handTime.wall).leftPadded(11) + format(handTime.cpu).leftPadded(10)
            + (format(engineTime.cpu / handTime.cpu) + "×").leftPadded(8) + "   " + check
    }
}

/// Three significant digits, without exponent for the ranges seen here.
func format(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value)
        : value >= 1 ? String(format: "%.2f", value) : String(format: "%.3f", value)
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
