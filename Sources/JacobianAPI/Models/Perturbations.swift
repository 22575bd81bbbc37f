import Foundation
import JacobianEngine

/// The perturbations of a model request: input-shaped tensors given as they are, or drawn at random from a seed
/// (`{"kind": "gaussian" | "uniform", "scale": s, "count": n, "seed": k}`), reproducibly on every platform.
struct Perturbations {
    /// Most perturbations one request may ask for: each costs one evaluation of the model.
    static let maxCount = 1000

    /// Each perturbation δ, flat, with where it came from ("/perturbations/1" or "/perturbations/2 #5").
    var deltas: [(delta: [Double], source: String)] = []

    /// Most elements all perturbations together may hold (the model's `maxJacobianEntries`).
    let maxElements: Int
    let count: Int

    init(_ value: JSONValue, shape: [Int], maxElements: Int) throws(Problem) {
        self.maxElements = maxElements
        count = shape.reduce(1, *)
        guard case .array(let items) = value else {
            throw Problem.invalid("/perturbations", "perturbations must be an array of input-shaped tensors or random specifications")
        }
        for (index, item) in items.enumerated() {
            let pointer = JSONPointer.appending("/perturbations", index)
            if case .object = item {
                let reader = try FieldReader(item, at: pointer, allowed: ["kind", "scale", "count", "seed"])
                let kind = try reader.string("kind")
                guard kind == "gaussian" || kind == "uniform" else {
                    throw Problem.invalid(reader.path("kind"), "kind must be \"gaussian\" or \"uniform\", found \"\(kind)\"")
                }
                let scale = try reader.nonNegativeNumber("scale", default: 0.1)
                let n = try reader.integer("count", default: 1, in: 1...Self.maxCount, limitName: "maxPerturbations")
                let seed = try reader.integer("seed", default: 0, in: 0...Int(Int32.max))
                try reserve(n)
                var generator = SplitMix64(seed: UInt64(seed))
                for k in 0..<n {
                    let delta = (0..<count).map { _ in
                        kind == "gaussian" ? scale * generator.nextGaussian() : scale * (2 * generator.unit() - 1)
                    }
                    deltas.append((delta, "\(pointer) #\(k)"))
                }
            } else {
                try reserve(1)
                deltas.append((try TensorJSON.read(item, at: pointer, shape: shape), pointer))
            }
        }
    }

    private func reserve(_ n: Int) throws(Problem) {
        guard deltas.count + n <= Self.maxCount else {
            throw Problem(.limitExceeded,
                detail: "more than \(Self.maxCount) perturbations in one request (the limit maxPerturbations)",
                errors: [.init(pointer: "/perturbations", detail: "at most \(Self.maxCount) perturbations in all")],
                extensions: [("limit", .string("maxPerturbations"))])
        }
        guard (deltas.count + n) * count <= maxElements else {
            throw Problem(.limitExceeded,
                detail: "the perturbations would hold more than maxJacobianEntries = \(maxElements) numbers",
                errors: [.init(pointer: "/perturbations", detail: "fewer perturbations of this model's input")],
                extensions: [("limit", .string("maxJacobianEntries"))])
        }
    }
}

extension SplitMix64 {
    /// Standard normal, by Box–Muller (one of the pair).
    mutating func nextGaussian() -> Double {
        let u = 1 - unit()  // (0, 1], so the logarithm is finite
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * unit())
    }
}
