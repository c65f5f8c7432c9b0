extension LMTPCommandParser {
    // mail-parameters = *( 1*SP esmtp-param ) *SP
    // esmtp-param = esmtp-keyword [ "=" esmtp-value ]
    static func parseMailParameters(_ cursor: inout LineCursor) throws(LMTPCommandError) -> MailParameters {
        var parameters = MailParameters()
        var seen: Set<String> = []
        while true {
            let spaces = cursor.skipSpaces()
            if cursor.atEnd { return parameters }
            guard spaces > 0 else {
                throw LMTPCommandError(.syntaxError, verb: .mail, "expected a space after the sender address, found \(cursor.rest)")
            }
            let (keyword, value) = try parseParameter(&cursor, verb: .mail)
            guard seen.insert(keyword).inserted else {
                throw LMTPCommandError(.invalidParameter, verb: .mail, "MAIL parameter \(keyword) is given twice")
            }
            switch keyword {
            case "SIZE": parameters.size = try sizeValue(value)
            case "BODY": parameters.body = try bodyValue(value)
            case "SMTPUTF8":
                guard value == nil else {
                    throw LMTPCommandError(.invalidParameter, verb: .mail, "SMTPUTF8 takes no value, found SMTPUTF8=\(value ?? "")")
                }
                parameters.smtpUTF8 = true
            default:
                throw LMTPCommandError(.unknownParameter, verb: .mail, "MAIL parameter \(keyword) is not supported (supported: SIZE, BODY, SMTPUTF8)")
            }
        }
    }

    // rcpt-parameters = *SP   ; any esmtp-param is refused as unsupported
    static func rejectRcptParameters(_ cursor: inout LineCursor) throws(LMTPCommandError) {
        let spaces = cursor.skipSpaces()
        if cursor.atEnd { return }
        guard spaces > 0 else {
            throw LMTPCommandError(.syntaxError, verb: .rcpt, "expected end of line after the recipient address, found \(cursor.rest)")
        }
        let (keyword, _) = try parseParameter(&cursor, verb: .rcpt)
        throw LMTPCommandError(.unknownParameter, verb: .rcpt, "RCPT parameter \(keyword) is not supported (RCPT takes no parameters)")
    }

    // esmtp-param = esmtp-keyword [ "=" esmtp-value ]
    // esmtp-keyword = ( ALPHA / DIGIT ) *( ALPHA / DIGIT / "-" ) ; esmtp-value = 1*( %d33-60 / %d62-126 / UTF8-non-ascii )
    static func parseParameter(_ cursor: inout LineCursor, verb: LMTPVerb) throws(LMTPCommandError) -> (String, String?) {
        let keywordBytes = cursor.takeWhile { CommandGrammar.isAlpha($0) || CommandGrammar.isDigit($0) || $0 == UInt8(ascii: "-") }
        guard let first = keywordBytes.first, first != UInt8(ascii: "-") else {
            throw LMTPCommandError(.invalidParameter, verb: verb, "expected a parameter keyword, found \(cursor.rest)")
        }
        let keyword = String(decoding: keywordBytes.map(LineCursor.upper), as: UTF8.self)
        var value: String?
        if cursor.take(UInt8(ascii: "=")) {
            let valueBytes = cursor.takeWhile(CommandGrammar.isEsmtpValueChar)
            guard !valueBytes.isEmpty else {
                throw LMTPCommandError(.invalidParameter, verb: verb, "parameter \(keyword)= has no value")
            }
            value = String(decoding: valueBytes, as: UTF8.self)
        }
        if let next = cursor.peek, next != 0x20, next != 0x09 {
            throw LMTPCommandError(.invalidParameter, verb: verb, "unexpected \(cursor.rest) in parameter \(keyword)")
        }
        return (keyword, value)
    }

    // size-value = 1*20DIGIT   (RFC 1870 §3)
    static func sizeValue(_ value: String?) throws(LMTPCommandError) -> Int {
        guard let value, !value.isEmpty, value.utf8.allSatisfy(CommandGrammar.isDigit) else {
            throw LMTPCommandError(.invalidParameter, verb: .mail, "SIZE needs a number of octets, found \(value.map { "SIZE=\($0)" } ?? "SIZE")")
        }
        // A declared size beyond Int is certainly over any limit: saturate rather than refuse.
        return Int(value) ?? Int.max
    }

    // body-value = "7BIT" / "8BITMIME" / "BINARYMIME"   (RFC 6152, RFC 3030 §3)
    static func bodyValue(_ value: String?) throws(LMTPCommandError) -> MailBody {
        guard let value, let body = MailBody(rawValue: value.uppercased()) else {
            throw LMTPCommandError(.invalidParameter, verb: .mail, "BODY must be 7BIT, 8BITMIME or BINARYMIME, found \(value.map { "BODY=\($0)" } ?? "BODY")")
        }
        return body
    }
}
