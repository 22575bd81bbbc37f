#!/bin/sh
# Regenerates Sources/ONNXImport/onnx.pb.swift from proto/onnx.proto (onnx/onnx, onnx/onnx.proto, commit
# f7546912001bc31e92a238b17068a21b373d882e) with protoc (apt: protobuf-compiler) and protoc-gen-swift from the
# swift-protobuf version Package.swift resolves, built in its own scratch path. The generated file is committed, so
# builds need neither tool; the SwiftPM build plugin is not used because it rebuilds protoc on every clean build.
set -eu
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || apt-get install -y protobuf-compiler
version=$(sed -n 's/.*swift-protobuf.git", from: "\([0-9.]*\)".*/\1/p' Package.swift)
src=.build-protoc/swift-protobuf-$version
if [ ! -d "$src" ]; then
    mkdir -p .build-protoc
    git clone --quiet --depth 1 --branch "$version" https://github.com/apple/swift-protobuf.git "$src"
fi
swift build -c release --package-path "$src" --scratch-path .build-protoc/build --product protoc-gen-swift
protoc --plugin=protoc-gen-swift=.build-protoc/build/release/protoc-gen-swift \
    --swift_opt=Visibility=Internal --swift_out=Sources/ONNXImport -I proto proto/onnx.proto
echo "wrote Sources/ONNXImport/onnx.pb.swift"
