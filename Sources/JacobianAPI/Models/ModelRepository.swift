import CLibCrypto
import Foundation
import JacobianEngine
import ONNXImport
import Synchronization

/// One registered model: immutable, so a request that looked it up computes with it to the end even if the name
/// is replaced meanwhile (it sees the old model or the new one, never a mix).
public final class RegisteredModel: Sendable {
    public let name: String
    public let model: ONNXModel
    /// Hex SHA-256 of the ONNX bytes.
    public let sha256: String
    public let byteCount: Int
    /// "directory" (loaded at start from --model-dir) or "upload" (PUT, this replica's memory only).
    public let source: String

    init(name: String, model: ONNXModel, sha256: String, byteCount: Int, source: String) {
        self.name = name
        self.model = model
        self.sha256 = sha256
        self.byteCount = byteCount
        self.source = source
    }
}

/// The models a server holds by name: loaded from a directory at start, registered, replaced and removed at run
/// time. Thread-safe; a replacement is parsed and compiled before it is swapped in under the lock, atomically.
public final class ModelRepository: Sendable {
    public let limits: ModelLimits
    private let models = Mutex<[String: RegisteredModel]>([:])

    public init(limits: ModelLimits = ModelLimits()) {
        self.limits = limits
    }

    /// Loads every `NAME.onnx` in `directory` (sorted by name). Throws a message naming the file on the first bad
    /// model, so that a server refuses to start rather than serve a partial repository.
    @discardableResult
    public func loadDirectory(_ directory: String) throws(ModelDirectoryError) -> [String] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".onnx") }.sorted()
        } catch {
            throw ModelDirectoryError(message: "cannot read the model directory \(directory): \(error.localizedDescription)")
        }
        for file in files {
            let name = String(file.dropLast(".onnx".count))
            let path = (directory as NSString).appendingPathComponent(file)
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
                size <= limits.maxModelBytes
            else {
                throw ModelDirectoryError(message: "\(path): unreadable or larger than maxModelBytes = \(limits.maxModelBytes)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ModelDirectoryError(message: "\(path): cannot be read")
            }
            do throws(Problem) {
                _ = try register(name: name, bytes: Array(data), source: "directory")
            } catch {
                throw ModelDirectoryError(message: "\(path): \(error.detail)")
            }
        }
        return files
    }

    /// Registers or replaces `name`. Returns the model and whether it replaced one. Throws a 422 problem for an
    /// invalid name, a model that does not import, or a full repository.
    public func register(name: String, bytes: [UInt8], source: String) throws(Problem) -> (RegisteredModel, replaced: Bool) {
        try Self.checkName(name)
        let model: ONNXModel
        do {
            model = try ONNXImporter.load(bytes, limits: limits)
        } catch {
            throw Self.problem(error)
        }
        let registered = RegisteredModel(name: name, model: model, sha256: Self.sha256(bytes), byteCount: bytes.count,
                                         source: source)
        let outcome: Result<Bool, Problem> = models.withLock { models in
            let replaced = models[name] != nil
            guard replaced || models.count < limits.maxModels else {
                return .failure(Problem(.limitExceeded,
                    detail: "the repository holds \(models.count) models, the limit maxModels; delete one first",
                    errors: [.init(pointer: "", detail: "at most \(limits.maxModels) models")],
                    extensions: [("limit", .string("maxModels"))]))
            }
            models[name] = registered
            return .success(replaced)
        }
        switch outcome {
        case .success(let replaced): return (registered, replaced)
        case .failure(let problem): throw problem
        }
    }

    /// The model registered under `name`, if any.
    public func model(named name: String) -> RegisteredModel? {
        models.withLock { $0[name] }
    }

    /// Removes `name`; false when there was none.
    public func remove(name: String) -> Bool {
        models.withLock { $0.removeValue(forKey: name) != nil }
    }

    /// Every model, sorted by name.
    public func all() -> [RegisteredModel] {
        models.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Names are path segments and file names: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
    static func checkName(_ name: String) throws(Problem) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard allowed, (1...64).contains(name.utf8.count), name.first != ".", name.first != "-" else {
            throw Problem.invalid("/name",
                "model name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
    }

    /// A 422 naming the node, the operator and the limit of an import error.
    static func problem(_ error: ModelError) -> Problem {
        var extensions: [(key: String, value: Problem.Member)] = []
        if let node = error.node { extensions.append(("node", .string(node))) }
        if let op = error.op { extensions.append(("operator", .string(op))) }
        if let limit = error.limit { extensions.append(("limit", .string(limit))) }
        return Problem(error.limit == nil ? .invalidInput : .limitExceeded, detail: "invalid model: \(error.message)",
                       errors: [.init(pointer: "", detail: error.message)], extensions: extensions)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { buffer in _ = SHA256(buffer.baseAddress, buffer.count, &digest) }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// A model directory that cannot be served: the message names the file and what is wrong with it.
public struct ModelDirectoryError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
