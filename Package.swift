// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MailCore", targets: ["MailCore"]),
        .library(name: "Sieve", targets: ["Sieve"]),
        .library(name: "Maildir", targets: ["Maildir"]),
        .library(name: "LMTP", targets: ["LMTP"]),
        .executable(name: "sieve-check", targets: ["sieve-check"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // RFC 5322 / MIME message model. Pure; no I/O.
        .target(name: "MailCore"),
        // The Sieve language: lexer, parser, validator, interpreter, extensions.
        .target(name: "Sieve", dependencies: ["MailCore"]),
        // Maildir / Maildir++ store: folders, durable delivery, flags, quota. Blocking file I/O.
        .target(name: "Maildir"),
        // Outbound submission of auto-replies and redirects: SMTP client (SwiftNIO) and sendmail command.
        .target(
            name: "Submission",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Test-only SMTP sink that records envelopes and messages; not a product.
        .target(
            name: "SMTPTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/SMTPTestSupport"
        ),
        // The script-testing CLI. Wiring only; logic lives in Sieve.
        .executableTarget(
            name: "sieve-check",
            dependencies: [
                "Sieve", "MailCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // RFC 2033 LMTP over SwiftNIO: command parser, session state machine, framing, server.
        .target(
            name: "LMTP",
            dependencies: [
                "MailCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "MailCoreTests", dependencies: ["MailCore"]),
        .testTarget(name: "MaildirTests", dependencies: ["Maildir"]),
        .testTarget(name: "SubmissionTests", dependencies: ["Submission", "SMTPTestSupport"]),
        .testTarget(
            name: "SieveTests",
            dependencies: ["Sieve", "MailCore"],
            resources: [.copy("Fixtures")]
        ),
        // Runs the built sieve-check binary (the dependency makes `swift test` build it).
        .testTarget(name: "SieveCheckTests", dependencies: ["sieve-check"]),
        .testTarget(
            name: "LMTPTests",
            dependencies: [
                "LMTP", "MailCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
