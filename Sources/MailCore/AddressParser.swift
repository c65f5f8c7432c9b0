/// Parses address-list header bodies and SMTP envelope paths.
///
/// - SeeAlso: RFC 5322 §3.4, §4.4 (obsolete syntax); RFC 5321 §4.1.2.
public enum AddressParser {
    /// Parses an address-list field body (`From`, `To`, `Cc`, ...).
    ///
    /// Accepts RFC 5322 §3.4 syntax with the obsolete forms of §4.4: comments anywhere,
    /// quoted and dotted local parts with CFWS between words, display names with
    /// unquoted dots (`John Q. Public <jq@x>`), obsolete routes (dropped), domain
    /// literals, groups, and empty list elements (`a@x, , b@y`). Encoded words in
    /// display names are decoded, so pass the raw field body; an already decoded body
    /// works as long as decoding added no commas or quotes.
    ///
    /// Never fails: an element that is not a valid address becomes `.unparsable` with
    /// its text, and parsing goes on after the next comma outside quotes, comments and
    /// angle brackets. Departures from the RFC, chosen for real mail:
    /// - `Foo@Bar <x@y>` (a display name with specials, unquoted) still gives the
    ///   mailbox `x@y` with display name `Foo@Bar`.
    /// - A group missing its final `;` at the end of the field is accepted.
    /// - An invalid member of a group becomes an `.unparsable` entry right after the
    ///   group's entry (group members are mailboxes only).
    public static func parseList(_ text: String) -> [AddressListEntry] {
        var scanner = AddressScanner(text)
        var entries: [AddressListEntry] = []
        while true {
            // obs-addr-list = *([CFWS] ",") address *("," [address / CFWS])
            while true {
                scanner.skipCFWS()
                guard scanner.current == "," else { break }
                scanner.position += 1
            }
            if scanner.atEnd { break }
            let start = scanner.position
            if let parsed = scanner.parseAddress(), scanner.atEnd || scanner.current == "," {
                entries.append(contentsOf: parsed)
                continue
            }
            scanner.position = start
            let end = scanner.skipElement(stopAtSemicolon: false)
            entries.append(scanner.recover(start..<end))
            scanner.position = end
        }
        return entries
    }

    /// Parses an SMTP path as given in `MAIL FROM`/`RCPT TO` (with or without angle
    /// brackets). The null path `<>` (or empty text) gives nil.
    ///
    /// Source routes (`<@a,@b:user@domain>`) are dropped and a quoted local part is
    /// unquoted. A path without `@` (`<Postmaster>`) gives a mailbox without domain.
    /// Text that is not a valid path is still returned best-effort: split at its last
    /// `@`, so callers always get something to compare.
    ///
    /// - SeeAlso: RFC 5321 §4.1.2 (Path, Reverse-path, Mailbox), §4.1.1.3 (Postmaster).
    public static func parseEnvelopePath(_ text: String) -> MailAddress? {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, AddressScanner.isWhitespace(first) { scalars.removeFirst() }
        while let last = scalars.last, AddressScanner.isWhitespace(last) { scalars.removeLast() }
        if scalars.first == "<" {
            scalars.removeFirst()
            if scalars.last == ">" { scalars.removeLast() }
        }
        // A-d-l ":" — a source route, dropped (RFC 5321 §4.1.2, Appendix C).
        if scalars.first == "@", let colon = scalars.firstIndex(of: ":") {
            scalars = scalars[scalars.index(after: colon)...]
        }
        if scalars.isEmpty { return nil }
        var scanner = AddressScanner(String(String.UnicodeScalarView(scalars)))
        // Path = "<" [ A-d-l ":" ] Mailbox ">" ; Mailbox = Local-part "@" ( Domain / address-literal )
        if let local = scanner.parseLocalPart() {
            if scanner.atEnd { return MailAddress(localPart: local, domain: nil) }
            if scanner.current == "@" {
                scanner.position += 1
                if let domain = scanner.parseDomain(), scanner.atEnd {
                    return MailAddress(localPart: local, domain: domain)
                }
            }
        }
        let whole = String(String.UnicodeScalarView(scalars))
        guard let at = whole.lastIndex(of: "@") else { return MailAddress(localPart: whole, domain: nil) }
        let domain = String(whole[whole.index(after: at)...])
        return MailAddress(localPart: String(whole[..<at]), domain: domain.isEmpty ? nil : domain)
    }
}

extension AddressScanner {
    // address = mailbox / group
    /// One address; a group may bring `.unparsable` entries for its broken members.
    mutating func parseAddress() -> [AddressListEntry]? {
        let start = position
        if let group = parseGroup() { return group }
        position = start
        if let mailbox = parseMailbox() { return [.mailbox(mailbox)] }
        position = start
        return nil
    }

    // group = display-name ":" [group-list] ";" [CFWS] ; group-list = mailbox-list / CFWS / obs-group-list
    mutating func parseGroup() -> [AddressListEntry]? {
        let start = position
        guard let name = parsePhrase() else { return nil }
        skipCFWS()
        guard current == ":" else {
            position = start
            return nil
        }
        position += 1
        var members: [MailAddress] = []
        var broken: [AddressListEntry] = []
        while true {
            skipCFWS()
            if current == "," {
                position += 1
                continue
            }
            if current == ";" {
                position += 1
                skipCFWS()
                break
            }
            if atEnd { break }
            let memberStart = position
            if let member = parseMailbox(), atEnd || current == "," || current == ";" {
                members.append(member)
                continue
            }
            position = memberStart
            let end = skipElement(stopAtSemicolon: true)
            broken.append(recover(memberStart..<end))
            position = end
        }
        return [.group(name: EncodedWords.decode(name), members: members)] + broken
    }

    /// The end of the list element starting here: the next `,` (or `;` in a group)
    /// outside quotes, comments, angle brackets and domain literals, or the end.
    func skipElement(stopAtSemicolon: Bool) -> Int {
        var index = position
        var inQuotes = false, commentDepth = 0, angleDepth = 0, inLiteral = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" && (inQuotes || commentDepth > 0 || inLiteral) {
                index += 2
                continue
            }
            if inQuotes {
                if scalar == "\"" { inQuotes = false }
            } else if commentDepth > 0 {
                if scalar == "(" { commentDepth += 1 } else if scalar == ")" { commentDepth -= 1 }
            } else if inLiteral {
                if scalar == "]" { inLiteral = false }
            } else {
                switch scalar {
                case "\"": inQuotes = true
                case "(": commentDepth = 1
                case "[": inLiteral = true
                case "<": angleDepth += 1
                case ">": angleDepth = max(0, angleDepth - 1)
                case ",": if angleDepth == 0 { return index }
                case ";": if stopAtSemicolon && angleDepth == 0 { return index }
                default: break
                }
            }
            index += 1
        }
        return scalars.count
    }

    /// Turns an element the grammar refused into a mailbox when it ends in a valid
    /// `<addr-spec>` (the display name taken as written), or else `.unparsable`.
    func recover(_ range: Range<Int>) -> AddressListEntry {
        var lower = range.lowerBound, upper = min(range.upperBound, scalars.count)
        while lower < upper && Self.isWhitespace(scalars[lower]) { lower += 1 }
        while upper > lower && Self.isWhitespace(scalars[upper - 1]) { upper -= 1 }
        let whole = text(lower..<upper)
        if let open = scalars[lower..<upper].lastIndex(of: "<") {
            var probe = self
            probe.position = open
            if var address = probe.parseAngleAddr(), probe.position >= upper {
                var nameEnd = open
                while nameEnd > lower && Self.isWhitespace(scalars[nameEnd - 1]) { nameEnd -= 1 }
                var name = text(lower..<nameEnd)
                if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                    name = String(name.dropFirst().dropLast())
                }
                address.displayName = name.isEmpty ? nil : EncodedWords.decode(name)
                return .mailbox(address)
            }
        }
        return .unparsable(whole)
    }
}
