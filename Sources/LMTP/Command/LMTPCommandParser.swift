import NIOCore

/// Parses one LMTP command line (without its CRLF) into an ``LMTPCommand``.
///
/// Verbs are matched ASCII case-insensitively. Each parse function carries the rule it
/// implements; the whole grammar, in our own words, is `Grammar/lmtp.ebnf`.
///
/// Deliberate departures from RFC 5321, each for interoperability:
/// - spaces are allowed after `FROM:` / `TO:` (many clients write `MAIL FROM: <a@b>`);
/// - several spaces (or tabs) may separate parameters, and trailing spaces are ignored.
///
/// - SeeAlso: RFC 5321 §4.1.1, RFC 2033 §4.1, RFC 3030 §2.
public enum LMTPCommandParser {
    /// Parses one command line from bytes.
    public static func parse(_ line: some Sequence<UInt8>) throws(LMTPCommandError) -> LMTPCommand {
        var cursor = LineCursor(Array(line))
        return try parseCommand(&cursor)
    }

    /// Parses one command line from a buffer's readable bytes (the buffer is not consumed).
    public static func parse(_ line: ByteBuffer) throws(LMTPCommandError) -> LMTPCommand {
        try parse(line.readableBytesView)
    }

    // command = verb [ SP arguments ]   ; verb = 4ALPHA, case-insensitive
    static func parseCommand(_ cursor: inout LineCursor) throws(LMTPCommandError) -> LMTPCommand {
        let verbBytes = cursor.takeWhile { $0 != 0x20 && $0 != 0x09 }
        if verbBytes.isEmpty {
            throw LMTPCommandError(.syntaxError, verb: nil, "empty command line: expected a command verb")
        }
        let verbText = String(decoding: verbBytes.map(LineCursor.upper), as: UTF8.self)
        guard let verb = LMTPVerb(rawValue: verbText) else {
            throw LMTPCommandError(
                .unknownCommand, verb: nil, "unknown command \(LineCursor.show(verbBytes))")
        }
        switch verb {
        case .lhlo: return try parseLHLO(&cursor)
        case .helo: return .helo
        case .ehlo: return .ehlo
        case .mail: return try parseMail(&cursor)
        case .rcpt: return try parseRcpt(&cursor)
        case .data, .rset, .quit:
            try expectNoArguments(&cursor, verb)
            switch verb {
            case .data: return .data
            case .rset: return .rset
            default: return .quit
            }
        case .bdat: return try parseBDAT(&cursor)
        case .noop:
            _ = optionalString(&cursor)
            return .noop
        case .vrfy:
            guard let argument = optionalString(&cursor) else {
                throw LMTPCommandError(.syntaxError, verb: .vrfy, "VRFY needs an argument: expected VRFY <string>")
            }
            return .vrfy(argument)
        case .help: return .help(optionalString(&cursor))
        }
    }

    // lhlo = "LHLO" SP ( domain / address-literal ) *SP
    static func parseLHLO(_ cursor: inout LineCursor) throws(LMTPCommandError) -> LMTPCommand {
        guard cursor.skipSpaces() > 0, !cursor.atEnd else {
            throw LMTPCommandError(.syntaxError, verb: .lhlo, "LHLO needs the client's host name: expected LHLO <domain>")
        }
        let host: String
        do {
            host = cursor.peek == UInt8(ascii: "[") ? try parseAddressLiteral(&cursor) : try parseDomain(&cursor)
        } catch {
            throw LMTPCommandError(.syntaxError, verb: .lhlo, "LHLO: \(error.message)")
        }
        cursor.skipSpaces()
        guard cursor.atEnd else {
            throw LMTPCommandError(.syntaxError, verb: .lhlo, "LHLO: expected end of line after the host name, found \(cursor.rest)")
        }
        return .lhlo(host)
    }

    // mail = "MAIL FROM:" *SP reverse-path *( 1*SP mail-parameter ) *SP
    static func parseMail(_ cursor: inout LineCursor) throws(LMTPCommandError) -> LMTPCommand {
        guard cursor.skipSpaces() > 0, cursor.takeKeyword("FROM:") else {
            throw LMTPCommandError(.syntaxError, verb: .mail, "expected MAIL FROM:<sender>, found \(cursor.rest)")
        }
        cursor.skipSpaces()
        let path: ReversePath
        do {
            path = try parseReversePath(&cursor)
        } catch {
            throw LMTPCommandError(.badAddress, verb: .mail, "bad sender address: \(error.message)")
        }
        let parameters = try parseMailParameters(&cursor)
        return .mail(path, parameters)
    }

    // rcpt = "RCPT TO:" *SP ( "<Postmaster>" / forward-path ) *SP   ; no parameters supported
    static func parseRcpt(_ cursor: inout LineCursor) throws(LMTPCommandError) -> LMTPCommand {
        guard cursor.skipSpaces() > 0, cursor.takeKeyword("TO:") else {
            throw LMTPCommandError(.syntaxError, verb: .rcpt, "expected RCPT TO:<recipient>, found \(cursor.rest)")
        }
        cursor.skipSpaces()
        let path: MailPath
        do {
            path = try parseForwardPath(&cursor)
        } catch {
            throw LMTPCommandError(.badAddress, verb: .rcpt, "bad recipient address: \(error.message)")
        }
        try rejectRcptParameters(&cursor)
        return .rcpt(path)
    }

    // bdat = "BDAT" SP chunk-size [ SP "LAST" ] *SP ; chunk-size = 1*DIGIT
    static func parseBDAT(_ cursor: inout LineCursor) throws(LMTPCommandError) -> LMTPCommand {
        guard cursor.skipSpaces() > 0 else {
            throw LMTPCommandError(.syntaxError, verb: .bdat, "BDAT needs a chunk size: expected BDAT <octets> [LAST]")
        }
        let digits = cursor.takeWhile(CommandGrammar.isDigit)
        guard !digits.isEmpty else {
            throw LMTPCommandError(.syntaxError, verb: .bdat, "BDAT: expected a chunk size in octets, found \(cursor.rest)")
        }
        guard digits.count <= 18, let size = Int(String(decoding: digits, as: UTF8.self)) else {
            throw LMTPCommandError(.invalidParameter, verb: .bdat, "BDAT: chunk size \(LineCursor.show(digits)) is too large")
        }
        var last = false
        if cursor.skipSpaces() > 0, !cursor.atEnd {
            guard cursor.takeKeyword("LAST") else {
                throw LMTPCommandError(.syntaxError, verb: .bdat, "BDAT: expected LAST or end of line after the size, found \(cursor.rest)")
            }
            last = true
            cursor.skipSpaces()
        }
        guard cursor.atEnd else {
            throw LMTPCommandError(.syntaxError, verb: .bdat, "BDAT: expected end of line, found \(cursor.rest)")
        }
        return .bdat(size: size, last: last)
    }

    // no-arguments = *SP   ; DATA, RSET, QUIT
    static func expectNoArguments(_ cursor: inout LineCursor, _ verb: LMTPVerb) throws(LMTPCommandError) {
        cursor.skipSpaces()
        guard cursor.atEnd else {
            throw LMTPCommandError(.invalidParameter, verb: verb, "\(verb.rawValue) takes no arguments, found \(cursor.rest)")
        }
    }

    // optional-string = [ 1*SP 1*VCHAR-or-SP ]   ; NOOP, VRFY, HELP (invalid UTF-8 shown as U+FFFD)
    static func optionalString(_ cursor: inout LineCursor) -> String? {
        cursor.skipSpaces()
        guard !cursor.atEnd else { return nil }
        let text = cursor.takeWhile { _ in true }
        return String(decoding: text, as: UTF8.self)
    }
}
