// swift-tools-version:6.0
// The load-test target for our HTTPServer: GET /hello -> {"message":"hello"}. Built and run by
// scripts/load-test.sh, beside bench/hummingbird serving the same response. Not part of the root package.
import Foundation
import PackageDescription

// The root package is two folders up; its identity is its folder's name, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let package = Package(
    name: "bench-ours",
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "bench-ours",
            dependencies: [.product(name: "HTTPServer", package: root.lastPathComponent)]
        ),
    ]
)
