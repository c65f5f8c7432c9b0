/// Lint checks for the `regex` extension and for `:matches` keys written as if they
/// were regular expressions.
///
/// - SeeAlso: draft-ietf-sieve-regex §3, RFC 5228 §2.7.1
extension Linter {
    mutating func checkRegexKeys(_ arguments: LintArguments) {
        guard let keys = arguments.positionals.last else { return }
        if arguments.hasTag("matches") {
            for key in strings(in: keys) where !key.value.contains("${") {
                guard let sign = Self.regexSign(key.value) else { continue }
                warn(.matchesKeyLooksLikeRegex,
                     ":matches key \(quoted(key.value)) looks like a regular expression (it has \(sign)), but :matches "
                         + "takes '.', '^', '$', '[' and '+' literally and only knows the wildcards '*' and '?'; "
                         + "use :regex (require \"regex\") or a wildcard pattern such as \"*@example.com\"",
                     at: key.range.start)
            }
        }
        if arguments.hasTag("regex") {
            for key in strings(in: keys) where !key.value.contains("${") {
                guard let word = Self.unescapedDotBetweenWords(key.value) else { continue }
                warn(.regexUnescapedDot,
                     ":regex key \(quoted(key.value)): the '.' in \(quoted(word)) matches any character, not only a dot; "
                         + "write \"\\\\.\" (or \"[.]\") to match a dot",
                     at: key.range.start)
            }
        }
    }

    /// What makes a `:matches` key look like a regular expression, or nil. A `.*` in the
    /// middle is a fair glob (`"*<*.*>*"`), so only a leading one counts.
    static func regexSign(_ key: String) -> String? {
        for sign in [".*", ".+", "^"] where key.hasPrefix(sign) { return "a leading " + quoted(sign) }
        for sign in ["\\d", "\\w", "\\s", "[0-9]", "[a-z]", "[A-Z]", ")+", ")*", ")?"] where key.contains(sign) {
            return quoted(sign)
        }
        if key.hasSuffix("$") && !key.hasSuffix("\\$") { return "a trailing '$'" }
        return nil
    }

    /// The first `word.word` in a `:regex` key whose dot is not escaped or in a bracket
    /// expression (as in `example.com`), or nil.
    static func unescapedDotBetweenWords(_ key: String) -> String? {
        let scalars = Array(key.unicodeScalars)
        func isWordCharacter(_ i: Int) -> Bool {
            i >= 0 && i < scalars.count && (scalars[i].properties.isAlphabetic || (scalars[i].value >= 0x30 && scalars[i].value <= 0x39))
        }
        var i = 0
        var inBracket = false
        while i < scalars.count {
            let c = scalars[i]
            if inBracket {
                if c == "]" { inBracket = false }
            } else if c == "\\" {
                i += 1
            } else if c == "[" {
                inBracket = true
                if i + 1 < scalars.count && scalars[i + 1] == "^" { i += 1 }
                if i + 1 < scalars.count && scalars[i + 1] == "]" { i += 1 }
            } else if c == ".", isWordCharacter(i - 1), isWordCharacter(i + 1) {
                var start = i - 1, end = i + 1
                while isWordCharacter(start - 1) { start -= 1 }
                while isWordCharacter(end + 1) { end += 1 }
                return String(String.UnicodeScalarView(scalars[start...end]))
            }
            i += 1
        }
        return nil
    }
}
