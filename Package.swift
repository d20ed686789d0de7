// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Kernel targets hold the hot loops (projection, tile intersection, compositing, rig skinning
/// and deformation) and only them. They are compiled with full optimisation in every
/// configuration, so tests exercise the same code at a usable speed, without runtime checks
/// (their loops index raw buffers whose bounds the callers establish), and on x86-64 with AVX2 +
/// FMA so that `SIMD8<Float>` maps onto single vector instructions. Every other target — parsers,
/// the network and audio paths — keeps Swift's bounds, overflow and exclusivity checks.
///
/// When the building machine has AVX-512 (F, VL, BW, DQ), the kernels use it too: mask
/// registers for the compares and blends, 32 vector registers (frames about 7 % faster). Such a
/// binary runs only where AVX-512 is; `splatd` says so at start on a CPU without it.
/// `SPLATD_PORTABLE=1` builds for any AVX2 machine.
var kernelFlags: [String] = ["-Ounchecked", "-enforce-exclusivity=unchecked"]
var kernelTargetSettings: [SwiftSetting] = []
#if arch(x86_64)
kernelFlags += ["-Xcc", "-mavx2", "-Xcc", "-mfma"]
let avx512 = ["avx512f", "avx512vl", "avx512bw", "avx512dq"]
let cpuFlags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("flags") }?
    .split(separator: " ").map(String.init) ?? []
if Context.environment["SPLATD_PORTABLE"] == nil && avx512.allSatisfy(cpuFlags.contains) {
    kernelFlags += avx512.flatMap { ["-Xcc", "-m\($0)"] }
    kernelTargetSettings = [.define("SPLATD_AVX512")]
}
#endif
let kernelSettings: [SwiftSetting] = [.unsafeFlags(kernelFlags)]

/// The animator generates the demo head and analyses speech on every load and audio chunk:
/// optimised in every configuration (tests load avatars hundreds of times), with every runtime
/// check kept.
let checkedOptimisation: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "splatd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "splatd", targets: ["splatd"]),
        .executable(name: "splatctl", targets: ["splatctl"]),
        .executable(name: "splatd-web", targets: ["splatd-web"]),
        .library(name: "SplatIO", targets: ["SplatIO"]),
        .library(name: "Rasterizer", targets: ["Rasterizer"]),
        .library(name: "FrameEncoder", targets: ["FrameEncoder"]),
        // The fuzz package in fuzz/ links the fuzz targets through this product.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // The web gateway only (HTTP, WebSocket, Prometheus text): kept out of every other target.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        // Tests only: counts allocations (the renderer must allocate nothing after its first frame).
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    ],
    targets: [
        // System libraries (Debian: libpng-dev libturbojpeg0-dev libzmq3-dev zlib1g-dev).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // No pkgConfig: libzmq.pc adds -isystem flags (krb5, pgm, libxml2) SwiftPM refuses; zmq.h
        // is in /usr/include and the module map links libzmq.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        // FFmpeg 5.1 (libavcodec with libx264 and libopus, libswscale, libswresample, libavformat).
        // libavcodec.pc gives the include folder; the module map links the five libraries.
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavcodec",
            providers: [.apt(["libavcodec-dev", "libavformat-dev", "libavutil-dev", "libswresample-dev", "libswscale-dev"])]
        ),

        // What every module may use: clocks, seeded random, parallel-for, metrics, ARKit names.
        .target(name: "SplatCore", swiftSettings: checkedOptimisation),

        // Pipeline stages.
        .target(name: "SplatIO", dependencies: ["SplatCore", "CZlib"]),
        .target(name: "RasterizerKernels", dependencies: ["SplatCore"], swiftSettings: kernelSettings),
        .target(name: "Rasterizer", dependencies: ["SplatCore", "SplatIO", "RasterizerKernels"], swiftSettings: kernelTargetSettings),
        .target(name: "FrameEncoder", dependencies: ["SplatCore", "CPNG", "CTurboJPEG"], path: "Sources/Encoder"),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // H.264 video and Opus audio through FFmpeg's libraries; only targets that stream video
        // or audio depend on it.
        .target(name: "MediaCodecs", dependencies: ["SplatCore", "CFFmpeg"]),
        .target(name: "AnimatorKernels", dependencies: ["SplatCore"], swiftSettings: kernelSettings),
        .target(
            name: "Animator", dependencies: ["SplatCore", "SplatIO", "AnimatorKernels"], resources: [.copy("Resources")],
            swiftSettings: checkedOptimisation
        ),
        .target(name: "Trackers", dependencies: ["SplatCore", "Animator"]),
        .target(
            name: "SplatProtocol",
            dependencies: ["SplatCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/Protocol", exclude: ["splatd.proto"]
        ),

        .target(
            name: "Daemon",
            dependencies: [
                "SplatCore", "SplatIO", "Rasterizer", "FrameEncoder", "SplatProtocol", "ZeroMQ", "Animator", "CALSA", "Trackers",
                "MediaCodecs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // The browser's way in: HTTP + WebSocket in front of the public protocol (ZeroMQ +
        // protobuf), never the daemon's internals, so that it can run in its own process.
        .target(
            name: "WebGateway",
            dependencies: [
                "SplatCore", "SplatIO", "SplatProtocol", "ZeroMQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Assets")]
        ),

        // Every decoder of untrusted bytes wrapped for fuzzing (fuzz/ runs them under libFuzzer;
        // FuzzTargetsTests runs them over seeds and mutations). Debug builds reach the daemon's
        // internal validation through `@testable import Daemon` (see DaemonValidation.swift).
        .target(
            name: "FuzzTargets",
            dependencies: [
                "SplatCore", "SplatIO", "Animator", "Trackers", "SplatProtocol", "Daemon",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: [.define("SPLATD_DAEMON_TESTABLE", .when(configuration: .debug))]
        ),

        // Executables.
        .executableTarget(
            name: "splatd",
            dependencies: [
                "SplatCore", "SplatIO", "Rasterizer", "FrameEncoder", "Animator", "Daemon", "SplatProtocol", "ZeroMQ",
                "MediaCodecs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The web gateway's process (`splatd web` and `splatd serve --http` start it): the only
        // executable that links Hummingbird, so a gateway crash never takes the renderer down.
        .executableTarget(
            name: "splatd-web",
            dependencies: [
                "WebGateway", "SplatProtocol", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .executableTarget(
            name: "splatctl",
            dependencies: [
                "SplatCore", "SplatIO", "SplatProtocol", "ZeroMQ", "FrameEncoder", "MediaCodecs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // Tests.
        .testTarget(name: "SplatCoreTests", dependencies: ["SplatCore"]),
        .testTarget(name: "SplatIOTests", dependencies: ["SplatIO", "SplatCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "RasterizerTests",
            dependencies: [
                "Rasterizer", "RasterizerKernels", "SplatIO", "SplatCore",
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FrameEncoderTests", dependencies: ["FrameEncoder", "CPNG", "CTurboJPEG", "SplatIO", "SplatCore"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "MediaCodecsTests", dependencies: ["MediaCodecs", "CFFmpeg"]),
        .testTarget(name: "AnimatorTests", dependencies: ["Animator", "SplatIO", "SplatCore", "Rasterizer"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SplatProtocolTests", dependencies: ["SplatProtocol"]),
        .testTarget(name: "TrackersTests", dependencies: ["Trackers", "Animator", "SplatCore"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "SplatCore"]),
        .testTarget(
            name: "SplatctlTests",
            dependencies: [
                "splatctl", "Daemon", "SplatProtocol", "ZeroMQ", "SplatCore", "SplatIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "splatdTests",
            dependencies: ["splatd", "Daemon", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Animator", "SplatProtocol", "ZeroMQ", "FrameEncoder", "Rasterizer", "SplatIO", "SplatCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
