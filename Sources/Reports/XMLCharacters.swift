/// Which characters may appear in XML and HTML output, and the clean-up applied to every
/// string before it reaches libxml2.
enum XMLCharacters {
    /// Whether XML 1.0 allows `scalar` in a document at all (even as a character reference).
    ///
    /// - SeeAlso: XML 1.0 (Fifth Edition) §2.2 `Char`.
    static func isAllowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Whether `scalar` may appear in HTML text we write: what XML allows, minus the C1 and
    /// DEL controls and the noncharacters, which HTML parsers treat as errors.
    ///
    /// - SeeAlso: WHATWG HTML §13.2.5 (control-character-in-input-stream, noncharacter errors).
    static func isAllowedInHTML(_ scalar: Unicode.Scalar) -> Bool {
        guard isAllowedInXML(scalar) else { return false }
        let value = scalar.value
        if (0x7F...0x9F).contains(value) { return false }
        if (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE { return false }
        return true
    }

    /// `text` without the characters XML 1.0 forbids (C0 controls other than tab, line feed and
    /// carriage return; U+FFFE, U+FFFF). NUL is among them, so the result is safe as a C string.
    static func sanitisedForXML(_ text: String) -> String {
        sanitised(text, keeping: isAllowedInXML)
    }

    /// `text` without the characters HTML output must not carry (see `isAllowedInHTML`).
    static func sanitisedForHTML(_ text: String) -> String {
        sanitised(text, keeping: isAllowedInHTML)
    }

    private static func sanitised(_ text: String, keeping isAllowed: (Unicode.Scalar) -> Bool) -> String {
        if text.unicodeScalars.allSatisfy(isAllowed) { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            result.append(scalar)
        }
        return String(result)
    }
}
