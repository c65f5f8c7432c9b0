/// A path or host that does not follow the grammar; wrapped into an
/// ``LMTPCommandError`` by the command that contains it.
struct PathSyntaxError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

extension LMTPCommandParser {
    // reverse-path = "<>" / path
    static func parseReversePath(_ cursor: inout LineCursor) throws(PathSyntaxError) -> ReversePath {
        var probe = cursor
        if probe.take(UInt8(ascii: "<")), probe.take(UInt8(ascii: ">")) {
            cursor = probe
            return .null
        }
        return .path(try parsePath(&cursor))
    }

    // forward-path = "<Postmaster>" / path   ; "Postmaster" case-insensitive (RFC 5321 §4.1.1.3)
    static func parseForwardPath(_ cursor: inout LineCursor) throws(PathSyntaxError) -> MailPath {
        var probe = cursor
        if probe.take(UInt8(ascii: "<")), probe.takeKeyword("Postmaster"), probe.take(UInt8(ascii: ">")) {
            cursor = probe
            return MailPath(localPart: "Postmaster", domain: nil)
        }
        return try parsePath(&cursor)
    }

    // path = "<" [ a-d-l ":" ] mailbox ">"
    static func parsePath(_ cursor: inout LineCursor) throws(PathSyntaxError) -> MailPath {
        guard cursor.take(UInt8(ascii: "<")) else {
            throw PathSyntaxError("expected \"<\" to open the address, found \(cursor.rest)")
        }
        if cursor.peek == UInt8(ascii: "@") {
            try skipSourceRoute(&cursor)
        }
        let mailbox = try parseMailbox(&cursor)
        guard cursor.take(UInt8(ascii: ">")) else {
            throw PathSyntaxError("expected \">\" to close the address, found \(cursor.rest)")
        }
        return mailbox
    }

    // a-d-l = at-domain *( "," at-domain ) ":" ; at-domain = "@" domain  (parsed, then ignored: RFC 5321 §4.1.2)
    static func skipSourceRoute(_ cursor: inout LineCursor) throws(PathSyntaxError) {
        repeat {
            guard cursor.take(UInt8(ascii: "@")) else {
                throw PathSyntaxError("expected \"@domain\" in the source route, found \(cursor.rest)")
            }
            _ = try parseDomain(&cursor)
        } while cursor.take(UInt8(ascii: ","))
        guard cursor.take(UInt8(ascii: ":")) else {
            throw PathSyntaxError("expected \":\" after the source route, found \(cursor.rest)")
        }
    }

    // mailbox = local-part "@" ( domain / address-literal )
    static func parseMailbox(_ cursor: inout LineCursor) throws(PathSyntaxError) -> MailPath {
        let localPart = try parseLocalPart(&cursor)
        guard cursor.take(UInt8(ascii: "@")) else {
            throw PathSyntaxError("expected \"@\" after the local part, found \(cursor.rest)")
        }
        let domain = cursor.peek == UInt8(ascii: "[") ? try parseAddressLiteral(&cursor) : try parseDomain(&cursor)
        return MailPath(localPart: localPart, domain: domain)
    }

    // local-part = dot-string / quoted-string
    static func parseLocalPart(_ cursor: inout LineCursor) throws(PathSyntaxError) -> String {
        let bytes = cursor.peek == UInt8(ascii: "\"") ? try parseQuotedString(&cursor) : try parseDotString(&cursor)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PathSyntaxError("the local part is not valid UTF-8")
        }
        return text
    }

    // dot-string = atom *( "." atom ) ; atom = 1*atext
    static func parseDotString(_ cursor: inout LineCursor) throws(PathSyntaxError) -> [UInt8] {
        var out: [UInt8] = []
        repeat {
            let atom = cursor.takeWhile(CommandGrammar.isAtext)
            guard !atom.isEmpty else {
                throw PathSyntaxError("expected a local part (letters, digits or !#$%&'*+-/=?^_`{|}~), found \(cursor.rest)")
            }
            if !out.isEmpty { out.append(UInt8(ascii: ".")) }
            out += atom
        } while cursor.take(UInt8(ascii: "."))
        return out
    }

    // quoted-string = DQUOTE *( qtextSMTP / quoted-pair ) DQUOTE ; quoted-pair = "\" %d32-126
    static func parseQuotedString(_ cursor: inout LineCursor) throws(PathSyntaxError) -> [UInt8] {
        _ = cursor.take(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let byte = cursor.peek else {
                throw PathSyntaxError("the quoted local part has no closing quote")
            }
            cursor.advance()
            if byte == UInt8(ascii: "\"") { return out }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = cursor.peek, (32...126).contains(escaped) else {
                    throw PathSyntaxError("expected a printable character after \"\\\" in the quoted local part, found \(cursor.rest)")
                }
                cursor.advance()
                out.append(escaped)
            } else if CommandGrammar.isQtext(byte) {
                out.append(byte)
            } else {
                throw PathSyntaxError("control character \(LineCursor.show([byte][...])) in the quoted local part")
            }
        }
    }

    // domain = sub-domain *( "." sub-domain ) ; sub-domain = let-dig [ *( let-dig / "-" ) let-dig ]
    static func parseDomain(_ cursor: inout LineCursor) throws(PathSyntaxError) -> String {
        var labels: [String] = []
        repeat {
            let label = cursor.takeWhile { CommandGrammar.isLetDig($0) || $0 == UInt8(ascii: "-") }
            guard let first = label.first, let last = label.last,
                CommandGrammar.isLetDig(first), CommandGrammar.isLetDig(last)
            else {
                throw PathSyntaxError(
                    "expected a domain label (letters, digits, inner hyphens), found \(label.isEmpty ? cursor.rest : LineCursor.show(label))")
            }
            guard let text = String(validating: label, as: UTF8.self) else {
                throw PathSyntaxError("the domain is not valid UTF-8")
            }
            labels.append(text)
        } while cursor.take(UInt8(ascii: "."))
        return labels.joined(separator: ".")
    }

    // address-literal = "[" 1*dcontent "]"   ; IPv4, "IPv6:" and general literals, not checked further
    static func parseAddressLiteral(_ cursor: inout LineCursor) throws(PathSyntaxError) -> String {
        _ = cursor.take(UInt8(ascii: "["))
        let content = cursor.takeWhile(CommandGrammar.isDcontent)
        guard !content.isEmpty, cursor.take(UInt8(ascii: "]")) else {
            throw PathSyntaxError("expected an address literal like [192.0.2.1], found \(cursor.rest)")
        }
        return "[" + String(decoding: content, as: UTF8.self) + "]"
    }
}
