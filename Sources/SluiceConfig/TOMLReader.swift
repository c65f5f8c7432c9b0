import Foundation
import TOMLKit

/// Reads one TOML table of the configuration file, remembering which keys were read
/// so that `finish()` can name every key Sluice does not know (a typo is an error,
/// never silently ignored).
struct TOMLReader {
    /// The file name, for messages.
    let file: String
    /// The dotted path of this table (`""` for the top level).
    let path: String
    let table: TOMLTable
    private var known: [String] = []

    init(file: String, path: String, table: TOMLTable) {
        self.file = file
        self.path = path
        self.table = table
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private func wrongType(_ key: String, expected: String, value: any TOMLValueConvertible) -> ConfigurationError {
        ConfigurationError("\(file): '\(name(key))' must be \(expected), found \(value.type)")
    }

    mutating func value(_ key: String) -> (any TOMLValueConvertible)? {
        known.append(key)
        return table[key]
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw wrongType(key, expected: "a string", value: value) }
        return string
    }

    mutating func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let bool = value.bool else { throw wrongType(key, expected: "true or false", value: value) }
        return bool
    }

    /// An integer within `range`.
    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.int else { throw wrongType(key, expected: "an integer", value: value) }
        guard range.contains(int) else {
            throw ConfigurationError("\(file): '\(name(key))' is \(int), expected \(range.lowerBound) to \(range.upperBound)")
        }
        return int
    }

    /// A size in bytes: an integer, or a string with a K/M/G suffix (`"50M"`).
    mutating func size(_ key: String) throws(ConfigurationError) -> Int? {
        guard let value = value(key) else { return nil }
        if let int = value.int, int >= 0 { return int }
        if let text = value.string, let bytes = Self.parseSize(text) { return bytes }
        throw ConfigurationError("\(file): '\(name(key))' must be a size in bytes such as 52428800 or \"50M\"")
    }

    /// A duration in seconds (an integer).
    mutating func seconds(_ key: String) throws(ConfigurationError) -> Duration? {
        guard let seconds = try int(key, in: 1...86_400 * 366) else { return nil }
        return .seconds(seconds)
    }

    /// A string that must be one of `choices`.
    mutating func choice(_ key: String, _ choices: [String]) throws(ConfigurationError) -> String? {
        guard let text = try string(key) else { return nil }
        guard choices.contains(text) else {
            let list = choices.map { "\"\($0)\"" }.joined(separator: ", ")
            throw ConfigurationError("\(file): '\(name(key))' is \"\(text)\", expected one of \(list)")
        }
        return text
    }

    mutating func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let value = value(key) else { return nil }
        if let single = value.string { return [single] }
        guard let array = value.array else { throw wrongType(key, expected: "a list of strings", value: value) }
        var result: [String] = []
        for element in array {
            guard let string = element.string else {
                throw ConfigurationError("\(file): '\(name(key))' must list strings only, found \(element.type)")
            }
            result.append(string)
        }
        return result
    }

    mutating func subtable(_ key: String) throws(ConfigurationError) -> TOMLReader? {
        guard let value = value(key) else { return nil }
        guard let table = value.table else { throw wrongType(key, expected: "a table", value: value) }
        return TOMLReader(file: file, path: name(key), table: table)
    }

    /// Fails naming the first key of this table that was never read.
    func finish() throws(ConfigurationError) {
        for key in table.keys.sorted() where !known.contains(key) {
            let where_ = path.isEmpty ? "at the top level" : "in [\(path)]"
            let choices = known.joined(separator: ", ")
            throw ConfigurationError("\(file): unknown key '\(name(key))' \(where_) (known keys: \(choices))")
        }
    }

    static func parseSize(_ text: String) -> Int? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var factor = 1
        switch digits.last.map({ Character($0.uppercased()) }) {
        case "K": factor = 1 << 10; digits = digits.dropLast()
        case "M": factor = 1 << 20; digits = digits.dropLast()
        case "G": factor = 1 << 30; digits = digits.dropLast()
        default: break
        }
        guard let number = Int(digits), number >= 0 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }
}
