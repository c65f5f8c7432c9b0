// swift-tools-version:6.1
import PackageDescription

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MailCore", targets: ["MailCore"]),
        .library(name: "Sieve", targets: ["Sieve"]),
        .library(name: "Maildir", targets: ["Maildir"]),
        .library(name: "LMTP", targets: ["LMTP"]),
        .library(name: "Delivery", targets: ["Delivery"]),
        .library(name: "Reports", targets: ["Reports"]),
        .executable(name: "sluice", targets: ["sluice"]),
        .executable(name: "sieve-check", targets: ["sieve-check"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // RFC 5322 / MIME message model and the message spool. Pure apart from the spool.
        .target(name: "MailCore"),
        // The Sieve language: lexer, parser, validator, interpreter, extensions.
        .target(name: "Sieve", dependencies: ["MailCore"]),
        // Maildir / Maildir++ store: folders, durable delivery, flags, quota. Blocking file I/O.
        // MailCore for line ends and sizes only.
        .target(name: "Maildir", dependencies: ["MailCore"]),
        // RFC 2033 LMTP over SwiftNIO: command parser, session state machine, framing, server.
        .target(name: "LMTP", dependencies: ["MailCore", nioCore, nioPosix]),
        // The delivery agent: users, script cache, per-recipient evaluation, Maildir storage,
        // vacation replies and redirects sent to the site's MTA.
        .target(
            name: "Delivery",
            dependencies: ["MailCore", "Sieve", "Maildir", "AutoReply", "Tracking", "Submission", "Reports", "ExternalProgram", logging]
        ),
        // libxml2, seen through a shim that keeps its ICU types away from Foundation's.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // The only module that calls libxml2: JUnit and HTML reports, HTML to text.
        .target(name: "Reports", dependencies: ["CLibXML2"]),
        // Who was answered when, which message went where, which values `duplicate` saw:
        // the tracking store protocol and an in-memory store.
        .target(name: "Tracking"),
        // The tracking store in an embedded SQLite database (GRDB); only the server links it.
        .target(name: "TrackingSQLite", dependencies: ["Tracking", .product(name: "GRDB", package: "GRDB.swift")]),
        // Whether and what to auto-reply or redirect (RFC 5230, RFC 3834, RFC 5228 §4.2).
        .target(name: "AutoReply", dependencies: ["MailCore", "Sieve", "Tracking"]),
        // Runs the site's programs for pipe, filter and execute: no shell, a clean environment,
        // a timeout and an output limit. Blocking; no dependencies.
        .target(name: "ExternalProgram"),
        // Outbound mail to the site's MTA: SMTP client on SwiftNIO, or a sendmail command.
        .target(name: "Submission", dependencies: ["MailCore", nioCore, nioPosix]),
        // sluice.toml: reading and checking the configuration file into the settings of
        // the server, the delivery agent and Sieve (sieve-check reads it too).
        .target(
            name: "SluiceConfig",
            dependencies: ["MailCore", "LMTP", "Delivery", "AutoReply", "Maildir", "Sieve", logging, .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The server as a whole: LMTP ↔ Delivery bridge, service lifecycle, local delivery.
        .target(
            name: "SluiceServer",
            dependencies: [
                "MailCore", "LMTP", "Delivery", "Maildir", "Sieve", "AutoReply", "Submission", "Reports", "Tracking",
                "TrackingSQLite", "SluiceConfig", logging,
                nioCore, nioPosix,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `sluice serve`, `sluice check-config`. Wiring only.
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceServer", "SluiceConfig", "MailCore", "Submission", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // sieve-check's logic that needs both Sieve and Reports (a run → its HTML page).
        .target(name: "SieveCheckKit", dependencies: ["Sieve", "MailCore", "Reports", "AutoReply", "ExternalProgram"]),
        // Dry runs of a Sieve script over an existing Maildir (`sieve-check replay`).
        .target(name: "SieveReplay", dependencies: ["Sieve", "MailCore", "Maildir"]),
        // The script-testing CLI. Wiring only; logic lives in Sieve, SieveCheckKit and SieveReplay.
        .executableTarget(
            name: "sieve-check",
            dependencies: [
                "Sieve", "MailCore", "Reports", "SieveCheckKit", "SieveReplay",
                // `--config sluice.toml`: the site's Sieve settings (limits, spamtest, ...).
                "SluiceConfig",
                // The site's lists (`[lists]`, RFC 6134) read as the delivery agent reads them.
                "Delivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // A recording SMTP server for tests (not a product).
        .target(name: "SMTPTestSupport", dependencies: [nioCore, nioPosix], path: "Tests/SMTPTestSupport"),
        .target(name: "MultiscriptCases", path: "Tests/MultiscriptCases"),
        .testTarget(name: "MailCoreTests", dependencies: ["MailCore"]),
        .testTarget(name: "SieveTests", dependencies: ["Sieve", "MailCore", "MultiscriptCases"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MaildirTests", dependencies: ["Maildir"]),
        .testTarget(
            name: "LMTPTests",
            dependencies: ["LMTP", "MailCore", nioCore, nioPosix, .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: ["Delivery", "Sieve", "MailCore", "Maildir", "Submission", "Tracking", "TrackingSQLite", "MultiscriptCases", logging]
        ),
        // Parses libxml2 output back into Swift values for tests (not a product).
        .target(name: "XMLTestSupport", dependencies: ["CLibXML2"], path: "Tests/XMLTestSupport"),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "CLibXML2", "XMLTestSupport"]),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking", "TrackingSQLite"]),
        .testTarget(name: "ExternalProgramTests", dependencies: ["ExternalProgram"]),
        .testTarget(name: "AutoReplyTests", dependencies: ["AutoReply", "MailCore", "Sieve", "Tracking", "TrackingSQLite"]),
        .testTarget(name: "SubmissionTests", dependencies: ["Submission", "SMTPTestSupport"]),
        // Runs the built sieve-check binary (the dependency makes `swift test` build it).
        .testTarget(name: "SieveCheckTests", dependencies: ["sieve-check", "MultiscriptCases"]),
        .testTarget(
            name: "SieveCheckKitTests",
            dependencies: ["SieveCheckKit", "Sieve", "MailCore", "Reports", "CLibXML2", "XMLTestSupport"]
        ),
        .testTarget(name: "SieveReplayTests", dependencies: ["SieveReplay", "Sieve", "MailCore"]),
        .testTarget(name: "SluiceServerTests", dependencies: ["SluiceServer", "SluiceConfig", "Delivery", "AutoReply", "Sieve"]),
        // Starts the real server on loopback and talks LMTP to it with a raw-socket client.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SluiceServer", "SluiceConfig", "sluice", "Delivery", "MailCore", "SMTPTestSupport", "MultiscriptCases", logging, nioCore]
        ),
    ],
    swiftLanguageModes: [.v6]
)
