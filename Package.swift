// swift-tools-version:6.0
import PackageDescription

/// The Jacobian service: an engine (pure), an HTTP server (knows nothing of Jacobians),
/// solvers on LAPACK, SVG pictures, the JSON API that joins them, and the executables.
let package = Package(
    name: "jacobian-service",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "JacobianEngine", targets: ["JacobianEngine"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "Solvers", targets: ["Solvers"]),
        // For the fuzz targets (Fuzz/Package.swift), a separate package that can only reach products.
        .library(name: "HTTP2Server", targets: ["HTTP2Server"]),
        .library(name: "JacobianAPI", targets: ["JacobianAPI"]),
        .executable(name: "jacobian-server", targets: ["jacobian-server"]),
        .executable(name: "jacobian-bench", targets: ["jacobian-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        // MARK: Engine: parse, compile and differentiate function specifications. No I/O.
        .target(name: "JacobianEngine", dependencies: ["CDenseKernels"]),
        // An AVX2/FMA matrix product for networks, chosen at run time (C: Swift has no per-function target).
        .target(name: "CDenseKernels"),

        // MARK: ONNX import: protobuf (generated code committed, scripts/generate-onnx-proto.sh) to a tensor graph.
        .target(
            name: "ONNXImport",
            dependencies: ["JacobianEngine", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),

        // SHA-256 of model files from the system's libcrypto.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // MARK: HTTP/1.1 server on POSIX sockets, epoll and Dispatch. Knows nothing of Jacobians.
        .systemLibrary(name: "CEpoll"),
        .target(
            name: "HTTPServer",
            dependencies: [
                "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        // MARK: HTTP/2 (h2c) on the same port, through nghttp2.
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .target(
            name: "HTTP2Server",
            dependencies: [
                "HTTPServer", "CNGHTTP2",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Linear algebra on LAPACK, Newton-type solvers and inverse kinematics.
        .systemLibrary(
            name: "CLAPACK",
            providers: [.apt(["liblapacke-dev"])]
        ),
        .target(name: "Solvers", dependencies: ["CLAPACK", "JacobianEngine"]),

        // MARK: SVG pictures: heatmaps, arms, trajectories. Pure text output.
        .target(name: "Pictures"),

        // MARK: The JSON API: routes, request decoding, problem+json errors.
        .target(
            name: "JacobianAPI",
            dependencies: [
                "JacobianEngine", "Solvers", "Pictures", "HTTPServer", "ONNXImport", "CLibCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [
                .embedInCode("Resources/openapi.yaml"),
                // The browser pages (Playground/BrowserPages.swift), served from the binary like the spec.
                .embedInCode("Resources/playground.html"),
                .embedInCode("Resources/playground.css"),
                .embedInCode("Resources/playground.js"),
            ]
        ),

        // MARK: The service process: configuration, logging, metrics, signals. A library so tests reach it.
        .target(
            name: "ServerApp",
            dependencies: [
                "JacobianAPI", "HTTPServer", "HTTP2Server", "JacobianEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // MARK: Executables.
        .executableTarget(name: "jacobian-server", dependencies: ["ServerApp", "JacobianAPI", "HTTPServer", "HTTP2Server"]),
        .executableTarget(
            name: "jacobian-bench",
            dependencies: ["JacobianEngine", "Solvers", "ONNXImport"]
        ),

        // MARK: Tests.
        // Helpers the test targets share (socket client, test server, seeded generator); a library, not a product,
        // as swift-argument-parser does with ArgumentParserTestHelpers.
        .target(
            name: "TestSupport",
            dependencies: ["HTTPServer", "JacobianEngine", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "JacobianEngineTests",
            dependencies: ["JacobianEngine", "TestSupport"]
        ),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "HTTP2ServerTests", dependencies: ["HTTP2Server", "HTTPServer", "TestSupport"]),
        .testTarget(name: "SolversTests", dependencies: ["Solvers", "JacobianEngine"]),
        .testTarget(name: "PicturesTests", dependencies: ["Pictures"]),
        .testTarget(name: "ONNXImportTests", dependencies: ["ONNXImport", "JacobianEngine"]),
        .testTarget(
            name: "ServerAppTests",
            dependencies: ["ServerApp", "HTTPServer", "HTTP2Server", "JacobianAPI", "JacobianEngine", "TestSupport"]
        ),
        .testTarget(
            name: "JacobianAPITests",
            dependencies: ["JacobianAPI", "HTTPServer", "HTTP2Server", "JacobianEngine", "TestSupport", "ServerApp"]
        ),
    ]
)
