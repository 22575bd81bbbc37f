// swift-tools-version:6.0
// (In its own folder because a root package named "hummingbird" would clash with the dependency.)
// Hummingbird 2 serving the same response as bench/ours, for scripts/load-test.sh. Not part of the root package.
import PackageDescription

let package = Package(
    name: "bench-hummingbird",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0")],
    targets: [
        .executableTarget(
            name: "bench-hummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
    ]
)
