// swift-tools-version:6.1
// Benchmarks live in their own package so that the main package's build and CI never
// compile them. Run from the repository root:
//   swift run -c release --package-path Benchmarks sieve-bench
//   swift run -c release --package-path Benchmarks regex-bench
//   Benchmarks/run-sluice.sh, Benchmarks/run-dovecot.sh, Benchmarks/compare-lmtp.sh
import PackageDescription

let package = Package(
    name: "SluiceBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Sluice", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "sieve-bench",
            dependencies: [
                .product(name: "Sieve", package: "Sluice"),
                .product(name: "MailCore", package: "Sluice"),
            ]
        ),
        // The :regex engine's time per input size (linear growth).
        .executableTarget(
            name: "regex-bench",
            dependencies: [.product(name: "Sieve", package: "Sluice")]
        ),
        // The LMTP load generator depends on nothing of Sluice's: it judges the server's
        // replies with its own client code.
        .executableTarget(name: "lmtp-load"),
    ],
    swiftLanguageModes: [.v6]
)
