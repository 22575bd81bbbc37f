import Foundation
import JacobianEngine

/// Converts a `TensorProto` to float64 values, checking its size before allocating and its data against its size.
enum TensorReader {
    static func read(_ tensor: Onnx_TensorProto, limits: ModelLimits) throws(ModelError) -> (data: [Double], shape: [Int]) {
        let what = "tensor '\(tensor.name)'"
        guard tensor.dataLocation != .external, tensor.externalData.isEmpty else {
            throw ModelError("\(what) stores its data in an external file; save the model with its weights inside (onnx.save(..., save_as_external_data=False))")
        }
        guard !tensor.hasSegment else { throw ModelError("\(what) is segmented, which is not supported") }
        var shape: [Int] = []
        for dim in tensor.dims {
            guard dim >= 0, dim <= Int64(Int32.max) else { throw ModelError("\(what) has an invalid dimension \(dim)") }
            shape.append(Int(dim))
        }
        let count = try TensorSize.elements(of: shape, limits: limits, what: what)
        let raw = tensor.rawData
        func check(_ stored: Int, _ unit: String) throws(ModelError) {
            guard stored == count else {
                throw ModelError("\(what) of shape \(shape) holds \(stored) \(unit) instead of \(count)")
            }
        }
        switch tensor.dataType {
        case 1:  // FLOAT
            if !raw.isEmpty {
                try check(raw.count / 4, "float32 values")
                guard raw.count % 4 == 0 else { throw ModelError("\(what) has \(raw.count) raw bytes, not a whole number of float32") }
                return (littleEndian(raw, count: count) { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }, shape)
            }
            try check(tensor.floatData.count, "float values")
            return (tensor.floatData.map(Double.init), shape)
        case 11:  // DOUBLE
            if !raw.isEmpty {
                try check(raw.count / 8, "float64 values")
                guard raw.count % 8 == 0 else { throw ModelError("\(what) has \(raw.count) raw bytes, not a whole number of float64") }
                return (littleEndian(raw, count: count) { Double(bitPattern: $0) }, shape)
            }
            try check(tensor.doubleData.count, "double values")
            return (tensor.doubleData, shape)
        case 7:  // INT64 (shapes, axes)
            if !raw.isEmpty {
                try check(raw.count / 8, "int64 values")
                guard raw.count % 8 == 0 else { throw ModelError("\(what) has \(raw.count) raw bytes, not a whole number of int64") }
                return (littleEndian(raw, count: count) { Double(Int64(bitPattern: $0)) }, shape)
            }
            try check(tensor.int64Data.count, "int64 values")
            return (tensor.int64Data.map { Double($0) }, shape)
        case 6:  // INT32
            if !raw.isEmpty {
                try check(raw.count / 4, "int32 values")
                return (littleEndian(raw, count: count) { Double(Int32(bitPattern: UInt32(truncatingIfNeeded: $0))) }, shape)
            }
            try check(tensor.int32Data.count, "int32 values")
            return (tensor.int32Data.map { Double($0) }, shape)
        default:
            throw ModelError("\(what) has element type \(tensor.dataType); supported: float (1), double (11), int64 (7), int32 (6)")
        }
    }

    /// Reads `count` little-endian words of `raw.count / count` bytes each.
    private static func littleEndian(_ raw: Data, count: Int, _ convert: (UInt64) -> Double) -> [Double] {
        let width = raw.count / max(count, 1)
        return raw.withUnsafeBytes { buffer in
            (0..<count).map { i in
                var word: UInt64 = 0
                for byte in 0..<width { word |= UInt64(buffer[i * width + byte]) << (8 * byte) }
                return convert(word)
            }
        }
    }
}
