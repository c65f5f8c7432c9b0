/// Text from outside (addresses, folder names, paths, replies) made safe to put in a log
/// line or an error message: every control character and DEL is shown as a `\u{..}`
/// escape, so a CR or LF can never start a new line and nothing invisible hides.
public enum DiagnosticText {
    /// `text` with control characters shown as `\u{..}`.
    public static func printable(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { append(scalar, to: &out, quoting: false) }
        return String(out)
    }

    /// `text` in double quotes, with `"` and `\` escaped and control characters shown as `\u{..}`.
    public static func quoted(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in text.unicodeScalars { append(scalar, to: &out, quoting: true) }
        out.append("\"")
        return String(out)
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout String.UnicodeScalarView, quoting: Bool) {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
        } else {
            if quoting && (scalar == "\"" || scalar == "\\") { out.append("\\") }
            out.append(scalar)
        }
    }
}
