extension Validator {
    /// The literal's text after `encoded-character` decoding (when required); reports
    /// invalid encodings. Used for every string, expanded or not.
    mutating func decodedText(_ literal: StringLiteral) -> String {
        guard capabilities.contains(.encodedCharacter) else { return literal.value }
        do {
            return try EncodedCharacter.decode(literal.value)
        } catch {
            self.error("invalid encoded character in string: \(error)", at: literal.range.start)
            return literal.value
        }
    }

    /// A string argument where variables expand (RFC 5229 §3) when "variables" is
    /// required.
    mutating func compileString(_ literal: StringLiteral) -> Str {
        let text = decodedText(literal)
        guard capabilities.contains(.variables), text.utf8.contains(UInt8(ascii: "$")) else { return .constant(text) }
        let pieces = VariableTemplate.parse(text)
        var out: [Str.Piece] = []
        var hasReference = false
        for piece in pieces {
            switch piece {
            case .text(let t): out.append(.text(t))
            case .match(let n): out.append(.match(n)); hasReference = true
            case .variable(let name): out.append(.variable(slot(for: name))); hasReference = true
            case .namespaced(let namespace, let whole):
                if let globalSlot = globalNamespaceSlot(whole, at: literal.range.start) {
                    if globalSlot >= 0 { out.append(.variable(globalSlot)) }
                    hasReference = true
                    continue
                }
                if let value = testSuiteVariable(whole) {
                    out.append(.text(value))
                    hasReference = true
                    continue
                }
                if let item = environmentVariable(whole, at: literal.range.start) {
                    if !item.isEmpty { out.append(.environment(item)) }
                    hasReference = true
                    continue
                }
                error("unknown variable namespace '\(namespace)' in '${\(whole)}'", at: literal.range.start)
            }
        }
        return hasReference ? .template(out) : .constant(text)
    }

    /// A string or string-list argument where variables expand.
    mutating func compileStringList(_ argument: Argument) -> StrList {
        switch argument {
        case .string(let s): return StrList([compileString(s)])
        case .stringList(let list, _): return StrList(list.map { compileString($0) })
        default: return StrList([])
        }
    }

    /// A string argument that must be constant (no variable expansion): comparator
    /// names, relational operators, variable names.
    mutating func constantString(_ argument: Argument) -> String {
        if case .string(let s) = argument { return decodedText(s) }
        return ""
    }

    /// A string-list argument taken literally.
    mutating func constantStrings(_ argument: Argument) -> [(String, SourceLocation)] {
        switch argument {
        case .string(let s): return [(decodedText(s), s.range.start)]
        case .stringList(let list, _): return list.map { (decodedText($0), $0.range.start) }
        default: return []
        }
    }

    func stringArgument(_ argument: Argument) -> StringLiteral? {
        if case .string(let s) = argument { return s }
        return nil
    }
}

/// Finds `${...}` variable references in a string (RFC 5229 §3). Anything that is not
/// a syntactically valid reference stays literal text.
///
///     variable-ref  = "${" [namespace] variable-name "}"
///     namespace     = identifier "." *sub-namespace
///     sub-namespace = variable-name "."
///     variable-name = num-variable / identifier
enum VariableTemplate {
    enum Piece: Equatable {
        case text(String)
        case variable(String)
        case match(Int)
        case namespaced(namespace: String, whole: String)
    }

    /// Largest match variable index kept; `${N}` past it expands to "".
    static let maxMatchIndex = 1_000

    static func parse(_ string: String) -> [Piece] {
        let bytes = Array(string.utf8)
        var pieces: [Piece] = []
        var literalStart = 0
        var i = 0
        func flushLiteral(upTo end: Int) {
            if end > literalStart {
                pieces.append(.text(String(decoding: bytes[literalStart..<end], as: UTF8.self)))
            }
        }
        while i + 1 < bytes.count {
            guard bytes[i] == UInt8(ascii: "$"), bytes[i + 1] == UInt8(ascii: "{") else {
                i += 1
                continue
            }
            var j = i + 2
            while j < bytes.count, isNameByte(bytes[j]) || bytes[j] == UInt8(ascii: ".") { j += 1 }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "}"), j > i + 2,
                  let piece = reference(String(decoding: bytes[(i + 2)..<j], as: UTF8.self)) else {
                i += 1
                continue
            }
            flushLiteral(upTo: i)
            pieces.append(piece)
            i = j + 1
            literalStart = i
        }
        flushLiteral(upTo: bytes.count)
        return pieces
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }

    /// The reference inside `${...}`, nil when it is not valid syntax.
    private static func reference(_ inner: String) -> Piece? {
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1 {
            if isDigits(parts[0]) {
                let digits = parts[0].drop { $0 == "0" }
                if digits.isEmpty { return .match(0) }
                guard digits.count <= 4, let n = Int(digits), n <= maxMatchIndex else { return .match(maxMatchIndex + 1) }
                return .match(n)
            }
            return isIdentifier(parts[0]) ? .variable(inner.lowercased()) : nil
        }
        guard isIdentifier(parts[0]), parts.dropFirst().allSatisfy({ isIdentifier($0) || isDigits($0) }) else { return nil }
        return .namespaced(namespace: String(parts[0]), whole: inner)
    }

    static func isDigits(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// `identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_")` (RFC 5228 §8.1).
    static func isIdentifier<S: StringProtocol>(_ s: S) -> Bool {
        guard let first = s.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return s.utf8.allSatisfy(isNameByte)
    }
}
