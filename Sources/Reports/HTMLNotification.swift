/// Small HTML documents for messages Sluice writes itself: vacation replies, rejection and
/// notification texts, when they are sent as `text/html` alongside `text/plain`.
public enum HTMLNotification {
    /// A complete HTML document showing `text` as paragraphs.
    ///
    /// Blank lines (lines empty or holding only spaces and tabs) separate paragraphs, each a
    /// `<p>`; single line breaks inside a paragraph become `<br>`. CRLF, CR and LF all count
    /// as line breaks. The text is escaped, so markup in it shows as written. The output is
    /// ASCII (other characters are written as character references) and declares UTF-8.
    ///
    /// - Parameters:
    ///   - text: The plain text, e.g. a vacation reason (RFC 5230 §4.7) or reject reason.
    ///   - title: The document's `<title>`; nil uses the first line of the text.
    /// - Throws: `ReportError.libxml2` only when libxml2 cannot allocate memory.
    public static func render(paragraphs text: String, title: String? = nil) throws(ReportError) -> [UInt8] {
        let paragraphs = split(text)
        let documentTitle = title ?? paragraphs.first?.first ?? ""
        return try HTMLDocumentBuilder.render(title: documentTitle) {
            (page: borrowing HTMLDocumentBuilder, body: HTMLNode) throws(ReportError) in
            for lines in paragraphs {
                let paragraph = try page.element("p", in: body)
                for (index, line) in lines.enumerated() {
                    if index > 0 { try page.element("br", in: paragraph) }
                    try page.text(line, in: paragraph)
                }
            }
        }
    }

    /// The text's paragraphs, each as its lines.
    static func split(_ text: String) -> [[String]] {
        var paragraphs: [[String]] = []
        var current: [String] = []
        for line in lines(of: text) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { paragraphs.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }

    /// Splits on CRLF, CR or LF. (Swift treats "\r\n" as one Character, so splitting on
    /// Characters handles all three.)
    private static func lines(of text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map(String.init)
    }
}
