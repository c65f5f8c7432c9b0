import Foundation
import MailCore
import Testing
@testable import Sieve

/// Runs every example in `SieveScripts/`: each folder's `script.sieve` against each
/// message in `messages/`, comparing the actions with that folder's `expect.json`.
@Suite("SieveScripts examples")
struct SieveScriptsTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SieveScripts")

    struct Case: CustomTestStringConvertible, Sendable {
        var folder: String
        var messageFile: String
        var expected: [String: any Sendable]
        var testDescription: String { "\(folder)/\(messageFile)" }
    }

    static func cases() throws -> [Case] {
        let fm = FileManager.default
        var all: [Case] = []
        for folder in try fm.contentsOfDirectory(atPath: root.path).sorted() {
            let expectURL = root.appendingPathComponent(folder).appendingPathComponent("expect.json")
            guard fm.fileExists(atPath: expectURL.path) else { continue }
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: expectURL))
            guard let table = object as? [String: Any] else { continue }
            for (file, value) in table.sorted(by: { $0.key < $1.key }) {
                guard let entry = value as? [String: Any] else { continue }
                all.append(Case(folder: folder, messageFile: file, expected: sendable(entry)))
            }
        }
        return all
    }

    @Test("every example folder has a script, messages and expectations")
    func corpusIsComplete() throws {
        let cases = try Self.cases()
        let folders = Set(cases.map(\.folder))
        #expect(folders.count >= 10)
        for folder in folders {
            let script = Self.root.appendingPathComponent(folder).appendingPathComponent("script.sieve")
            #expect(FileManager.default.fileExists(atPath: script.path), "\(folder) has no script.sieve")
        }
    }

    @Test("script produces the expected actions", arguments: try cases())
    func runExample(_ example: Case) throws {
        let folder = Self.root.appendingPathComponent(example.folder)
        let scriptPath = folder.appendingPathComponent("script.sieve").path
        let source = try [UInt8](Data(contentsOf: URL(fileURLWithPath: scriptPath)))
        let compiled = SieveCompiler.compile(source, file: scriptPath, options: SieveOptions())
        let script = try #require(compiled.script, "\(compiled.diagnostics)")

        let messageURL = folder.appendingPathComponent("messages").appendingPathComponent(example.messageFile)
        let message = Message(bytes: try [UInt8](Data(contentsOf: messageURL)))
        let envelope = example.expected["envelope"] as? [String: any Sendable] ?? [:]
        let context = SieveMessageContext(
            message: message,
            envelope: SieveEnvelope(from: envelope["from"] as? String ?? "", to: envelope["to"] as? String ?? "")
        )
        let result = SieveInterpreter.run(script, context: context, options: SieveOptions())
        #expect(result.errors.isEmpty, "runtime errors: \(result.errors)")

        let report = CheckReport(result: result)
        let actual = try JSONSerialization.jsonObject(with: Data(report.jsonText().utf8)) as? [String: Any]
        let actualActions = actual?["actions"] as? [[String: Any]] ?? []
        let expectedActions = example.expected["actions"] as? [[String: any Sendable]] ?? []
        #expect(actualActions.count == expectedActions.count,
                "got \(report.jsonText()), expected \(expectedActions)")
        for (got, want) in zip(actualActions, expectedActions) {
            #expect(Self.matches(got, want), "got \(got), expected \(want)")
        }
    }

    /// Compares a produced action with an expected one; an expected `"*"` matches any value.
    static func matches(_ got: [String: Any], _ want: [String: any Sendable]) -> Bool {
        guard Set(got.keys) == Set(want.keys) else { return false }
        for (key, expected) in want {
            if let s = expected as? String, s == "*" { continue }
            let a = got[key].map { "\(sendableValue($0))" } ?? "nil", b = "\(expected)"
            if a != b { return false }
        }
        return true
    }
}

/// Converts a JSONSerialization object to one that can cross into test arguments.
private func sendable(_ value: [String: Any]) -> [String: any Sendable] {
    value.mapValues(sendableValue)
}

private func sendableValue(_ value: Any) -> any Sendable {
    switch value {
    case let dict as [String: Any]: return sendable(dict)
    case let list as [Any]: return list.map(sendableValue)
    case let string as String: return string
    case let number as NSNumber: return number.description
    default: return "\(value)"
    }
}
