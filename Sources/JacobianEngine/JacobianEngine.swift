import Synchronization

/// The engine's front door: compiles function specifications under fixed limits and keeps the most recently used
/// compiled functions, so a client sending the same function with every request pays for parsing only once.
///
/// Thread-safe: the cache sits behind a mutex, and compilation runs outside it so that a slow compile never blocks
/// lookups. Threads that compile the same new specification at once all receive the one instance cached first.
public final class JacobianEngine: Sendable {
    /// The limits every specification and evaluation is checked against.
    public let limits: EngineLimits

    /// Total estimated size of the cached specifications, in numbers plus characters (see `cacheCost`). Default
    /// 8,000,000: about 130 MB for networks (each weight is held in the specification and in the compiled program),
    /// so `cacheCapacity` huge functions cannot pin gigabytes.
    static let cacheCostCapacity = 8_000_000

    private struct Key: Hashable, Sendable {
        /// How the function was identified: by its specification, or by a caller's canonical form of it.
        enum Identity: Hashable, Sendable {
            case specification(FunctionSpec)
            case canonical(FunctionKey)
        }
        var identity: Identity
        var variable: DifferentiationVariable
        /// Where the specification holds -0.0. `FunctionSpec` equality follows `Double`'s, where 0 == -0, but the
        /// sign of a zero can change the function (atan2(-0, -1) = -π, atan2(0, -1) = π), so it is part of the key.
        var negativeZeros: [String]

        init(spec: FunctionSpec, variable: DifferentiationVariable) {
            identity = .specification(spec)
            self.variable = variable
            negativeZeros = Self.negativeZeros(in: spec)
        }

        init(canonical key: FunctionKey, variable: DifferentiationVariable) {
            identity = .canonical(key)
            self.variable = variable
            negativeZeros = []
        }

        /// The JSON pointers of the -0.0 numbers in `spec` (usually none, and then nothing is allocated).
        private static func negativeZeros(in spec: FunctionSpec) -> [String] {
            var found: [String] = []
            func check(_ number: Double, _ pointer: @autoclosure () -> String) {
                if number == 0 && number.sign == .minus { found.append(pointer()) }
            }
            switch spec {
            case .expression(let function):
                for (name, value) in function.constants { check(value, "/constants/" + NameScope.escapePointerToken(name)) }
                found.sort()
            case .network(let network):
                for (index, layer) in network.layers.enumerated() {
                    switch layer {
                    case .linear(let weight, let bias):
                        for (row, entries) in weight.enumerated() {
                            for (column, entry) in entries.enumerated() {
                                check(entry, "/layers/\(index)/weight/\(row)/\(column)")
                            }
                        }
                        for (row, entry) in (bias ?? []).enumerated() { check(entry, "/layers/\(index)/bias/\(row)") }
                    case .leakyReLU(let slope): check(slope, "/layers/\(index)/negative_slope")
                    case .elu(let alpha): check(alpha, "/layers/\(index)/alpha")
                    case .softplus(let beta, let threshold):
                        check(beta, "/layers/\(index)/beta")
                        check(threshold, "/layers/\(index)/threshold")
                    case .relu, .tanh, .sigmoid, .gelu, .softmax: break
                    }
                }
            }
            return found
        }
    }

    private struct State {
        var cache: LRUCache<Key, CompiledFunction>
        var hits = 0
        var misses = 0
    }

    private let state: Mutex<State>

    /// Compiled functions the cache holds unless told otherwise: 256, as a client usually sends the same few
    /// functions.
    public static let defaultCacheCapacity = 256

    /// An engine with the given limits and a cache of at most `cacheCapacity` compiled functions (0 disables it).
    public init(limits: EngineLimits = EngineLimits(), cacheCapacity: Int = JacobianEngine.defaultCacheCapacity) {
        precondition(cacheCapacity >= 0, "cacheCapacity must not be negative")
        self.limits = limits
        self.state = Mutex(State(cache: LRUCache(capacity: cacheCapacity, costCapacity: Self.cacheCostCapacity)))
    }

    /// The compiled form of `spec`, differentiated with respect to its inputs or, for a network, its parameters:
    /// from the cache when the same specification (compared field by field, so key order in JSON does not matter)
    /// was compiled before, otherwise compiled now and cached. Failures are not cached.
    ///
    /// Throws the specification's first problem as an `EngineError` with a JSON pointer relative to the
    /// specification; `.parameters` with an expression function is an `.invalidSpecification` error.
    public func compile(
        _ spec: FunctionSpec, withRespectTo variable: DifferentiationVariable = .input
    ) throws(EngineError) -> CompiledFunction {
        let key = Key(spec: spec, variable: variable)
        let cached = state.withLock { state -> CompiledFunction? in
            let found = state.cache.value(for: key)
            if found == nil { state.misses += 1 } else { state.hits += 1 }
            return found
        }
        if let cached { return cached }
        return try compileAndCache(spec, variable: variable, under: key, extraCost: 0)
    }

    /// The function cached under a caller's canonical key, counting a hit or a miss: how a server finds a
    /// function it has seen before without decoding its specification again.
    public func cachedFunction(
        for key: FunctionKey, withRespectTo variable: DifferentiationVariable = .input
    ) -> CompiledFunction? {
        state.withLock { state in
            let found = state.cache.value(for: Key(canonical: key, variable: variable))
            if found == nil { state.misses += 1 } else { state.hits += 1 }
            return found
        }
    }

    /// The function cached under `key`, without counting a hit or a miss or making it recent: for deciding how
    /// to run a request (a server answers small cached functions without a thread hop) before running it.
    public func peekCachedFunction(
        for key: FunctionKey, withRespectTo variable: DifferentiationVariable = .input
    ) -> CompiledFunction? {
        state.withLock { $0.cache.peek(Key(canonical: key, variable: variable)) }
    }

    /// Compiles `spec` (after `cachedFunction(for:withRespectTo:)` missed) and caches it under `key`, which the
    /// caller derived from the same specification.
    public func compile(
        _ spec: FunctionSpec, withRespectTo variable: DifferentiationVariable = .input, cachingUnder key: FunctionKey
    ) throws(EngineError) -> CompiledFunction {
        try compileAndCache(spec, variable: variable, under: Key(canonical: key, variable: variable),
                            extraCost: key.bytes.count / 8)
    }

    private func compileAndCache(
        _ spec: FunctionSpec, variable: DifferentiationVariable, under key: Key, extraCost: Int
    ) throws(EngineError) -> CompiledFunction {
        let compiled = try Self.compileUncached(spec, variable: variable, limits: limits)
        let cost = Self.cacheCost(of: spec) + extraCost
        return state.withLock { $0.cache.insert(compiled, for: key, cost: cost) }
    }

    /// Hits, misses and occupancy of the cache so far.
    public var cacheStatistics: CacheStatistics {
        state.withLock { state in
            CacheStatistics(
                hits: state.hits, misses: state.misses, entries: state.cache.count, capacity: state.cache.capacity)
        }
    }

    /// The cached specifications from most to least recently used, for tests of the eviction order.
    var cachedSpecificationsByRecency: [FunctionSpec] {
        state.withLock { state in
            state.cache.keysByRecency.compactMap { key in
                if case .specification(let spec) = key.identity { spec } else { nil }
            }
        }
    }

    private static func compileUncached(
        _ spec: FunctionSpec, variable: DifferentiationVariable, limits: EngineLimits
    ) throws(EngineError) -> CompiledFunction {
        switch spec {
        case .expression(let function):
            guard variable == .input else {
                throw EngineError(
                    kind: .invalidSpecification,
                    message: "differentiation with respect to parameters needs a network function; an expression "
                        + "function has only inputs")
            }
            return try CompiledFunction(function, limits: limits)
        case .network(let network):
            return try CompiledFunction(network, withRespectTo: variable, limits: limits)
        }
    }

    /// An estimate of what a cached function holds: the numbers of a network (weights, biases, one per layer), or
    /// the characters, constants and input elements of an expression function.
    static func cacheCost(of spec: FunctionSpec) -> Int {
        switch spec {
        case .network(let network):
            return network.layers.reduce(0) { total, layer in
                guard case .linear(let weight, let bias) = layer else { return total + 1 }
                return weight.reduce(total + 1 + (bias?.count ?? 0)) { $0 + $1.count }
            }
        case .expression(let function):
            let text = (function.outputs + function.definitions).reduce(0) { $0 + $1.utf8.count }
            // Each input element gets a column name in the compiled function.
            let inputElements = function.inputs.reduce(0) { total, input in
                switch input {
                case .scalar: total + 1
                case .vector(_, let size): total + max(size, 0)
                }
            }
            return text + function.constants.count + inputElements
        }
    }
}

/// How the compile cache has served so far.
public struct CacheStatistics: Sendable, Hashable {
    /// Compilations answered from the cache.
    public var hits: Int
    /// Compilations that had to compile (including ones that failed).
    public var misses: Int
    /// Compiled functions held now.
    public var entries: Int
    /// The most the cache holds (the engine's `cacheCapacity`).
    public var capacity: Int

    /// Statistics from their parts.
    public init(hits: Int, misses: Int, entries: Int, capacity: Int) {
        self.hits = hits
        self.misses = misses
        self.entries = entries
        self.capacity = capacity
    }
}
