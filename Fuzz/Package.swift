// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for every parser of the service, one executable each. A package of its own, depending on
/// the service by path, so that the main build and CI never see the fuzzer flags; scripts/fuzz.sh builds it with
/// `-sanitize=fuzzer,address -parse-as-library` into its own scratch path (.build-fuzz at the root).
let package = Package(
    name: "jacobian-service-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Through a symbolic link, because a path dependency is identified by its last component, and a clone of this
        // repository may have any name.
        .package(path: "jacobian-service"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        // Input splitting and derived points, shared by the targets.
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"]),
        .executableTarget(name: "FuzzHTTP1", dependencies: ["FuzzSupport", .product(name: "HTTPServer", package: "jacobian-service")]),
        .executableTarget(name: "FuzzChunked", dependencies: ["FuzzSupport", .product(name: "HTTPServer", package: "jacobian-service")]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", .product(name: "JacobianAPI", package: "jacobian-service")]),
        .executableTarget(
            name: "FuzzRequests",
            dependencies: [
                "FuzzSupport",
                .product(name: "JacobianAPI", package: "jacobian-service"),
                .product(name: "HTTPServer", package: "jacobian-service"),
                .product(name: "JacobianEngine", package: "jacobian-service"),
            ]
        ),
        .executableTarget(name: "FuzzExpression", dependencies: ["FuzzSupport", .product(name: "JacobianEngine", package: "jacobian-service")]),
        .executableTarget(name: "FuzzNetwork", dependencies: ["FuzzSupport", .product(name: "JacobianEngine", package: "jacobian-service")]),
        .executableTarget(
            name: "FuzzHTTP2",
            dependencies: [
                "FuzzSupport",
                .product(name: "HTTP2Server", package: "jacobian-service"),
                .product(name: "HTTPServer", package: "jacobian-service"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "FuzzURDF", dependencies: ["FuzzSupport", .product(name: "Solvers", package: "jacobian-service")]),
    ]
)
