/// A tensor in a request: nested to its shape or flat in row-major order, with an optional leading batch
/// dimension of 1; read into its flat elements after its shape is checked against the model's.
enum TensorJSON {
    /// The elements of `value`, which must hold `shape`'s elements (nested exactly as `shape`, or as `shape`
    /// without a leading 1, or flat).
    static func read(_ value: JSONValue, at pointer: String, shape: [Int]) throws(Problem) -> [Double] {
        let count = shape.reduce(1, *)
        var elements: [Double] = []
        var found: [Int] = []
        try flatten(value, at: pointer, depth: 0, shape: &found, into: &elements, limit: count)
        let acceptable = [shape, [count]] + (shape.first == 1 ? [Array(shape.dropFirst())] : [])
        guard acceptable.contains(found) else {
            let described = shape.map(String.init).joined(separator: "×")
            throw Problem.invalid(pointer,
                "\(pointer) must be the model's input tensor of shape \(described) (nested, or flat with \(count) numbers; a leading batch dimension of 1 may be left out), found shape \(found.map(String.init).joined(separator: "×"))")
        }
        return elements
    }

    /// Appends the numbers of a nested array, recording its shape and refusing ragged or oversized ones.
    private static func flatten(
        _ value: JSONValue, at pointer: String, depth: Int, shape: inout [Int], into elements: inout [Double], limit: Int
    ) throws(Problem) {
        switch value {
        case .number(let number):
            guard depth == shape.count else { throw Problem.invalid(pointer, "\(pointer) is a number where an array was expected (ragged tensor)") }
            guard number.isFinite else { throw Problem.invalid(pointer, "\(pointer) must be finite") }
            guard elements.count < limit else { throw Problem.invalid(pointer, "the tensor has more than the \(limit) elements of the model's input") }
            elements.append(number)
        case .array(let items):
            if depth == shape.count {
                // Numbers were already placed at this depth: an array beside them makes the tensor ragged.
                guard elements.isEmpty else { throw Problem.invalid(pointer, "\(pointer) is an array where a number was expected (ragged tensor)") }
                guard depth < 8 else { throw Problem.invalid(pointer, "tensors nest at most 8 levels") }
                shape.append(items.count)
            } else if depth > shape.count || shape[depth] != items.count {
                throw Problem.invalid(pointer, "\(pointer) has \(items.count) entries where its siblings have \(depth < shape.count ? shape[depth] : 0) (ragged tensor)")
            }
            for (index, item) in items.enumerated() {
                try flatten(item, at: JSONPointer.appending(pointer, index), depth: depth + 1, shape: &shape,
                            into: &elements, limit: limit)
            }
        default:
            throw Problem.invalid(pointer, "\(pointer) must be a number or an array of numbers, found \(value.typeName)")
        }
    }
}
