/// A recursive-descent reader of RFC 5322 address syntax over Unicode scalars.
///
/// Each function implements the grammar rule in the comment above it (RFC 5322 §3.2,
/// §3.4 and the obsolete forms of §4.4). Functions that fail restore `position`, so a
/// caller can try an alternative; nothing throws. Comments nest, but they are skipped
/// with a counter, not recursion, so hostile nesting cannot exhaust the stack.
/// Non-ASCII scalars count as `atext`, `qtext`, `ctext` and `dtext` (RFC 6532 §3.2).
struct AddressScanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { position >= scalars.count }

    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    /// The scalars in `range` as a string, encoded straight into the string's storage
    /// (`UnicodeScalarView.append(contentsOf:)` goes through unspecialised generic code).
    func text(_ range: Range<Int>) -> String {
        var octets = 0
        for scalar in scalars[range] { octets += UTF8.width(scalar) }
        return String(unsafeUninitializedCapacity: octets) { buffer in
            var end = 0
            for scalar in scalars[range] {
                UTF8.encode(scalar) { octet in
                    buffer[end] = octet
                    end += 1
                }
            }
            return end
        }
    }

    // MARK: Lexical tokens (RFC 5322 §3.2)

    // atext = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" / "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~" / UTF8-non-ascii
    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0x80 { return true }
        if value < 0x21 || value > 0x7E { return false }
        switch scalar {
        case "(", ")", "<", ">", "[", "]", ":", ";", "@", "\\", ",", ".", "\"": return false
        default: return true
        }
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n"
    }

    // CFWS = (1*([FWS] comment) [FWS]) / FWS ; returns whether anything was skipped
    @discardableResult
    mutating func skipCFWS() -> Bool {
        let start = position
        while let scalar = current {
            if Self.isWhitespace(scalar) {
                position += 1
            } else if scalar == "(" {
                if !skipComment() { break }
            } else {
                break
            }
        }
        return position > start
    }

    // comment = "(" *([FWS] ccontent) [FWS] ")" ; ccontent = ctext / quoted-pair / comment
    mutating func skipComment() -> Bool {
        let start = position
        var depth = 0
        while let scalar = current {
            position += 1
            switch scalar {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return true }
            case "\\": if !atEnd { position += 1 }
            default: break
            }
        }
        position = start
        return false
    }

    // quoted-string = DQUOTE *([FWS] qcontent) [FWS] DQUOTE ; qcontent = qtext / quoted-pair
    mutating func parseQuotedString() -> String? {
        guard current == "\"" else { return nil }
        let start = position
        position += 1
        var view = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            switch scalar {
            case "\"":
                return String(view)
            case "\\":
                if let escaped = current {
                    view.append(escaped)
                    position += 1
                }
            case "\r", "\n":
                break  // Folding inside quotes: the line break is not part of the content.
            default:
                view.append(scalar)
            }
        }
        position = start
        return nil
    }

    // atom = 1*atext (surrounding CFWS is skipped by callers)
    mutating func parseAtom() -> String? {
        let start = position
        while let scalar = current, Self.isAtext(scalar) { position += 1 }
        return position > start ? text(start..<position) : nil
    }

    // word = atom / quoted-string
    mutating func parseWord() -> String? {
        current == "\"" ? parseQuotedString() : parseAtom()
    }

    // phrase = 1*word / obs-phrase ; obs-phrase = word *(word / "." / CFWS)
    /// Words are joined by one space where the input had whitespace or a comment.
    mutating func parsePhrase() -> String? {
        let start = position
        var result = ""
        var words = 0
        while true {
            let save = position
            let spaced = skipCFWS()
            if let word = parseWord() {
                if !result.isEmpty && spaced { result += " " }
                result += word
                words += 1
            } else if words > 0, current == "." {
                if spaced { result += " " }
                result += "."
                position += 1
            } else {
                position = save
                break
            }
        }
        guard words > 0 else {
            position = start
            return nil
        }
        return result
    }

    // MARK: Addresses (RFC 5322 §3.4, §3.4.1, §4.4)

    // local-part = dot-atom / quoted-string / obs-local-part ; obs-local-part = word *("." word)
    /// Lenient: empty words between dots (`a..b`, `a.@x`) are accepted, as real mail has them.
    mutating func parseLocalPart() -> String? {
        let start = position
        skipCFWS()
        guard let first = parseWord() else {
            position = start
            return nil
        }
        var result = first
        while true {
            let save = position
            skipCFWS()
            guard current == "." else {
                position = save
                break
            }
            position += 1
            result += "."
            let beforeWord = position
            skipCFWS()
            if let word = parseWord() {
                result += word
            } else {
                position = beforeWord
            }
        }
        return result
    }

    // domain = dot-atom / domain-literal / obs-domain ; obs-domain = atom *("." atom)
    mutating func parseDomain() -> String? {
        let start = position
        skipCFWS()
        if current == "[" {
            if let literal = parseDomainLiteral() { return literal }
            position = start
            return nil
        }
        guard let first = parseAtom() else {
            position = start
            return nil
        }
        var result = first
        while true {
            let save = position
            skipCFWS()
            guard current == "." else {
                position = save
                break
            }
            position += 1
            skipCFWS()
            guard let label = parseAtom() else {
                position = save
                break
            }
            result += "." + label
        }
        return result
    }

    // domain-literal = "[" *([FWS] dtext) [FWS] "]" ; dtext = %d33-90 / %d94-126 / obs-dtext
    /// Kept as written, brackets included, whitespace removed.
    mutating func parseDomainLiteral() -> String? {
        guard current == "[" else { return nil }
        let start = position
        position += 1
        var view = String.UnicodeScalarView(["["])
        while let scalar = current {
            position += 1
            switch scalar {
            case "]":
                view.append("]")
                return String(view)
            case "[":
                position = start
                return nil
            case "\\":
                if let escaped = current {
                    view.append(escaped)
                    position += 1
                }
            default:
                if !Self.isWhitespace(scalar) { view.append(scalar) }
            }
        }
        position = start
        return nil
    }

    // addr-spec = local-part "@" domain
    mutating func parseAddrSpec() -> MailAddress? {
        let start = position
        guard let local = parseLocalPart() else { return nil }
        skipCFWS()
        guard current == "@" else {
            position = start
            return nil
        }
        position += 1
        guard let domain = parseDomain() else {
            position = start
            return nil
        }
        return MailAddress(localPart: local, domain: domain)
    }

    // obs-route = obs-domain-list ":" ; obs-domain-list = *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain])
    mutating func skipObsRoute() -> Bool {
        let start = position
        while true {
            skipCFWS()
            guard current == "," else { break }
            position += 1
        }
        guard current == "@" else {
            position = start
            return false
        }
        position += 1
        guard parseDomain() != nil else {
            position = start
            return false
        }
        while true {
            skipCFWS()
            guard current == "," else { break }
            position += 1
            skipCFWS()
            if current == "@" {
                position += 1
                guard parseDomain() != nil else {
                    position = start
                    return false
                }
            }
        }
        guard current == ":" else {
            position = start
            return false
        }
        position += 1
        return true
    }

    // angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr ; obs-angle-addr = [CFWS] "<" obs-route addr-spec ">" [CFWS]
    mutating func parseAngleAddr() -> MailAddress? {
        let start = position
        skipCFWS()
        guard current == "<" else {
            position = start
            return nil
        }
        position += 1
        let afterBracket = position
        skipCFWS()
        if current == "@" || current == "," {
            position = afterBracket
            if !skipObsRoute() {
                position = start
                return nil
            }
        } else {
            position = afterBracket
        }
        guard let address = parseAddrSpec() else {
            position = start
            return nil
        }
        skipCFWS()
        guard current == ">" else {
            position = start
            return nil
        }
        position += 1
        skipCFWS()
        return address
    }

    // mailbox = name-addr / addr-spec ; name-addr = [display-name] angle-addr
    mutating func parseMailbox() -> MailAddress? {
        let start = position
        if let phrase = parsePhrase(), var address = parseAngleAddr() {
            let name = EncodedWords.decode(phrase)
            address.displayName = name.isEmpty ? nil : name
            return address
        }
        position = start
        if let address = parseAngleAddr() { return address }
        position = start
        if let address = parseAddrSpec() {
            skipCFWS()
            return address
        }
        position = start
        return nil
    }
}
