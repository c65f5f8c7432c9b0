import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Maildir

private let message = Array("Subject: fault\r\n\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100_000) + Array("\r\n".utf8)

/// One injected failure and the error delivery must report.
struct FaultCase: Sendable, CustomTestStringConvertible {
    var fault: FaultyFileSystem.Fault
    var diskFull: Bool
    var operation: String
    /// The reported path starts with root + this.
    var pathPrefix: String

    var testDescription: String { "\(fault.operation.rawValue) \(fault.pathContains) errno \(fault.errno)" }
}

@Suite("Maildir durability contract: failures leave nothing where a reader looks")
struct FaultInjectionTests {
    @Test(
        "each failing step gives the right error; new/ and cur/ stay empty; tmp/ is cleaned",
        arguments: [
            FaultCase(fault: .init(operation: .open, pathContains: "/tmp/", errno: ENOSPC), diskFull: true, operation: "open", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .open, pathContains: "/tmp/", errno: EACCES), diskFull: false, operation: "open", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .write, pathContains: "/tmp/", errno: ENOSPC), diskFull: true, operation: "write", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .write, pathContains: "/tmp/", errno: EDQUOT), diskFull: true, operation: "write", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .write, pathContains: "/tmp/", errno: EIO), diskFull: false, operation: "write", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .fsync, pathContains: "/tmp/", errno: EIO), diskFull: false, operation: "fsync", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .close, pathContains: "/tmp/", errno: EIO), diskFull: false, operation: "close", pathPrefix: "/tmp/"),
            FaultCase(fault: .init(operation: .link, pathContains: "/new/", errno: EIO), diskFull: false, operation: "link", pathPrefix: "/new/"),
            FaultCase(fault: .init(operation: .link, pathContains: "/new/", errno: ENOSPC), diskFull: true, operation: "link", pathPrefix: "/new/"),
            FaultCase(fault: .init(operation: .fsyncDirectory, pathContains: "/new", errno: EIO), diskFull: false, operation: "fsync", pathPrefix: "/new"),
        ]
    )
    func failingStep(_ faultCase: FaultCase) throws {
        try withTemporaryDirectory { root in
            try store(root).createMailbox("INBOX")
            let fileSystem = FaultyFileSystem(faults: [faultCase.fault])
            let maildir = store(root, fileSystem: fileSystem)
            let error = try #require(throws: MaildirError.self) {
                try maildir.deliver([message])
            }
            switch error {
            case .diskFull(let operation, let code, let path) where faultCase.diskFull,
                .io(let operation, let code, let path) where !faultCase.diskFull:
                #expect(operation == faultCase.operation)
                #expect(code == faultCase.fault.errno)
                #expect(path.hasPrefix(root + faultCase.pathPrefix))
            default:
                Issue.record("unexpected error \(error)")
            }
            #expect(entries(root + "/new").isEmpty)
            #expect(entries(root + "/cur").isEmpty)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test("error text is precise: operation, path, strerror, errno")
    func errorText() {
        let error = MaildirError.system("write", ENOSPC, "/m/tmp/x")
        #expect(error == .diskFull(operation: "write", errno: ENOSPC, path: "/m/tmp/x"))
        #expect(error.description == "disk full: write /m/tmp/x failed: No space left on device (errno \(ENOSPC))")
        #expect(MaildirError.system("link", EIO, "/m/new/y").description == "link /m/new/y failed: Input/output error (errno \(EIO))")
    }

    @Test("short writes and EINTR are retried until every byte is written")
    func shortWritesAndInterrupts() throws {
        try withTemporaryDirectory { root in
            let fileSystem = FaultyFileSystem(writeLimit: 4093, interruptedWrites: 3)
            let receipt = try store(root, lineEnding: .crlf, fileSystem: fileSystem).deliver([message])
            #expect(contents(receipt.path) == message)
            #expect(fileSystem.calls.filter { $0.0 == .write }.count > message.count / 4093)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }

    @Test("without hard links (EPERM) the file is renamed into new/")
    func renameFallback() throws {
        try withTemporaryDirectory { root in
            let fileSystem = FaultyFileSystem(faults: [.init(operation: .link, pathContains: "/new/", errno: EPERM)])
            let receipt = try store(root, lineEnding: .crlf, fileSystem: fileSystem).deliver([message])
            #expect(contents(receipt.path) == message)
            #expect(fileSystem.calls.contains { $0.0 == .rename && $0.1 == receipt.path })
            #expect(entries(root + "/tmp").isEmpty)
            #expect(entries(root + "/new") == [receipt.fileName])
        }
    }

    @Test("a failed unlink of the tmp/ name after linking still delivers, with a warning")
    func unlinkFailure() throws {
        try withTemporaryDirectory { root in
            let fileSystem = FaultyFileSystem(faults: [.init(operation: .unlink, pathContains: "/tmp/", errno: EIO)])
            let receipt = try store(root, fileSystem: fileSystem).deliver([message])
            #expect(entries(root + "/new") == [receipt.fileName])
            #expect(receipt.warnings.count == 1)
            #expect(receipt.warnings.first?.contains("left for tmp/ clean-up") == true)
        }
    }

    @Test("a name collision at link time takes a fresh name")
    func collision() throws {
        try withTemporaryDirectory { root in
            let fileSystem = FaultyFileSystem(faults: [.init(operation: .link, pathContains: "/new/", errno: EEXIST)])
            let receipt = try store(root, fileSystem: fileSystem).deliver([message])
            #expect(entries(root + "/new") == [receipt.fileName])
            #expect(fileSystem.calls.filter { $0.0 == .link }.count == 2)
            #expect(entries(root + "/tmp").isEmpty)
        }
    }
}
