import Foundation
import TestSupport
import Testing

@testable import ServerApp

/// `--model-dir`: every NAME.onnx served as model NAME, and a bad model stops the start with a message.
@Suite(.serialized) struct ModelDirectoryTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    init() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ServerProcess.executableURL.path),
                     "build the product first: \(ServerProcess.executableURL.path)")
    }

    @Test func servesTheModelsOfTheDirectory() throws {
        let server = try ServerProcess(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--log-level", "notice", "--model-dir", Self.fixtures.path,
        ])
        defer { server.send(SIGTERM); _ = server.waitForExit(seconds: 30) }
        let port = try server.waitForPort()
        let list = try fetch(port: port, "/v1/models")
        #expect(list.status == 200)
        #expect(list.text.contains(#""name":"digits""#), "\(list.text)")
        #expect(try fetch(port: port, "/v1/models/digits").text.contains(#""source":"directory""#))
    }

    @Test func refusesToStartOnABadModel() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(repeating: 0xFF, count: 100).write(to: directory.appendingPathComponent("broken.onnx"))
        let server = try ServerProcess(arguments: ["--host", "127.0.0.1", "--port", "0", "--model-dir", directory.path],
                                       environment: [:])
        #expect(server.waitForExit(seconds: 30) == 1)
        let output = server.standardError + server.standardOutput
        #expect(output.contains("broken.onnx") && output.contains("not a valid ONNX protobuf"), "\(output)")
    }

    @Test func theEnvironmentVariableNamesTheDirectory() throws {
        let server = try ServerProcess(arguments: ["--host", "127.0.0.1", "--port", "0"],
                                       environment: ["JACOBIAN_MODEL_DIR": "/nonexistent/models"])
        #expect(server.waitForExit(seconds: 30) == 1)
        #expect((server.standardError + server.standardOutput).contains("/nonexistent/models"))
    }
}
