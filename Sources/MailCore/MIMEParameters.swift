/// One `name=value` parameter of a MIME header field, after RFC 2231 decoding.
public struct MIMEParameter: Sendable, Hashable {
    /// The parameter name, lowercased, without RFC 2231 `*` section markers.
    public var name: String
    /// The value: quotes removed, RFC 2231 continuations joined and percent-decoding
    /// and charset applied; RFC 2047 encoded words (which some mailers wrongly put in
    /// parameters) decoded.
    public var value: String

    /// Makes a parameter; `name` is lowercased.
    public init(name: String, value: String) {
        self.name = String(decoding: name.utf8.map(asciiLower), as: UTF8.self)
        self.value = value
    }
}

/// The parameters of a `Content-Type` or `Content-Disposition` field, in order, with
/// case-insensitive names.
///
/// - SeeAlso: RFC 2045 §5.1 (parameter syntax), RFC 2231 §3–§4 (continuations,
///   charset and language).
public struct MIMEParameters: Sendable, Hashable, RandomAccessCollection {
    /// The parameters in the order they first appeared.
    public var list: [MIMEParameter]

    /// Makes a parameter list from parameters already decoded.
    public init(_ list: [MIMEParameter] = []) {
        self.list = list
    }

    public var startIndex: Int { list.startIndex }
    public var endIndex: Int { list.endIndex }
    public subscript(position: Int) -> MIMEParameter { list[position] }

    /// The value of the first parameter with this name (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        let key = String(decoding: name.utf8.map(asciiLower), as: UTF8.self)
        return list.first { $0.name == key }?.value
    }
}

extension MIMEParameters {
    /// Parses `*(";" parameter)` from the scanner, as far as it is valid. Parameters
    /// with a syntax error are skipped up to the next `;`.
    ///
    /// - SeeAlso: RFC 2045 §5.1, RFC 2231.
    static func parse(_ scanner: inout AddressScanner) -> MIMEParameters {
        var raw: [(name: String, value: String)] = []
        while true {
            scanner.skipCFWS()
            guard scanner.current == ";" else {
                if scanner.atEnd { break }
                // Garbage between parameters: skip to the next ";".
                scanner.skipUntilSemicolon()
                continue
            }
            scanner.position += 1
            scanner.skipCFWS()
            guard let name = scanner.parseToken() else { continue }
            scanner.skipCFWS()
            guard scanner.current == "=" else { continue }
            scanner.position += 1
            scanner.skipCFWS()
            // value = token / quoted-string (lenient: a token may contain "/", "?", "=", "@" and ":")
            let value = scanner.parseQuotedString() ?? scanner.parseLenientToken()
            guard let value else { continue }
            raw.append((String(decoding: name.utf8.map(asciiLower), as: UTF8.self), value))
        }
        return combine(raw)
    }

    /// Joins RFC 2231 sections (`name*0*=`, `name*1=` ...) and decodes extended values;
    /// an extended form wins over a plain parameter of the same name.
    static func combine(_ raw: [(name: String, value: String)]) -> MIMEParameters {
        struct Section {
            var number: Int
            var encoded: Bool
            var value: String
        }
        var order: [String] = []
        var plain: [String: String] = [:]
        var sections: [String: [Section]] = [:]
        for (name, value) in raw {
            guard let star = name.firstIndex(of: "*") else {
                if plain[name] == nil && sections[name] == nil { order.append(name) }
                if plain[name] == nil { plain[name] = value }
                continue
            }
            let base = String(name[..<star])
            var rest = name[name.index(after: star)...]
            var encoded = false
            if rest.hasSuffix("*") {
                encoded = true
                rest = rest.dropLast()
            }
            let number: Int
            if rest.isEmpty {
                number = 0
                encoded = true  // name*=charset'lang'value
            } else if rest.utf8.count <= 4, let parsed = Int(rest) {
                number = parsed
            } else {
                continue
            }
            if plain[base] == nil && sections[base] == nil { order.append(base) }
            sections[base, default: []].append(Section(number: number, encoded: encoded, value: value))
        }
        var result: [MIMEParameter] = []
        for name in order {
            if let parts = sections[name] {
                let sorted = parts.sorted { $0.number < $1.number }
                var charset: String?
                var bytes: [UInt8] = []
                var expected = 0
                for section in sorted where section.number == expected {
                    expected += 1
                    var text = Substring(section.value)
                    if section.encoded && section.number == 0 {
                        // charset "'" [language] "'" value
                        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                        if pieces.count == 3 {
                            charset = pieces[0].isEmpty ? nil : String(pieces[0])
                            text = pieces[2]
                        }
                    }
                    bytes += section.encoded ? percentDecode(text.utf8) : Array(text.utf8)
                }
                let value = charset.flatMap { Charset.decode(bytes, charset: $0) } ?? Charset.decodeLenient(bytes)
                result.append(MIMEParameter(name: name, value: value))
            } else if let value = plain[name] {
                result.append(MIMEParameter(name: name, value: EncodedWords.decode(value)))
            }
        }
        return MIMEParameters(result)
    }

    /// `%XX` to a byte; a `%` not followed by two hex digits is kept.
    static func percentDecode(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}

extension AddressScanner {
    // tspecials = "(" / ")" / "<" / ">" / "@" / "," / ";" / ":" / "\" / <"> / "/" / "[" / "]" / "?" / "="
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0x80 { return true }
        if value <= 0x20 || value == 0x7F { return false }
        switch scalar {
        case "(", ")", "<", ">", "@", ",", ";", ":", "\\", "\"", "/", "[", "]", "?", "=": return false
        default: return true
        }
    }

    // token = 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>
    mutating func parseToken() -> String? {
        let start = position
        while let scalar = current, Self.isTokenCharacter(scalar) { position += 1 }
        return position > start ? text(start..<position) : nil
    }

    /// A parameter value written without quotes: anything up to whitespace or `;`
    /// (real mail leaves `/`, `=`, `?` and `@` unquoted).
    mutating func parseLenientToken() -> String? {
        let start = position
        while let scalar = current, scalar != ";", scalar != "\"", scalar != "(", !Self.isWhitespace(scalar),
            scalar.value > 0x1F
        {
            position += 1
        }
        return position > start ? text(start..<position) : nil
    }

    mutating func skipUntilSemicolon() {
        while let scalar = current, scalar != ";" {
            if scalar == "\"" {
                if parseQuotedString() == nil { position += 1 }
            } else if scalar == "(" {
                if !skipComment() { position += 1 }
            } else {
                position += 1
            }
        }
    }
}
