/// Element names that decide how `HTMLText` lays out text.
enum HTMLElements {
    /// Elements whose content a reader never sees.
    static let hidden: Set<String> = ["head", "title", "script", "style", "template", "noembed", "noframes"]

    /// Elements that start and end a line (CSS `display: block`, list items, table parts).
    static let block: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hgroup", "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "plaintext", "pre",
        "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "xmp",
    ]

    /// Elements set off by a blank line, like paragraphs in a browser's `innerText`.
    static let paragraph: Set<String> = ["p"]

    /// Elements whose whitespace is kept as written.
    static let preformatted: Set<String> = ["pre", "textarea", "listing", "xmp", "plaintext"]
}

/// Builds the extracted text: collapses whitespace outside preformatted elements and turns
/// element boundaries into line breaks.
///
/// Line breaks that block boundaries require are kept pending and merged (the largest count
/// wins), and dropped at the very start and end, so `</div><div>` gives one break, not two.
struct TextCollector {
    private var output = String.UnicodeScalarView()
    /// Line breaks required before the next visible character.
    private var pendingBreaks = 0
    /// Collapsed whitespace waiting to become one space before the next visible character.
    private var pendingSpace = false
    /// A table-cell separator waiting to be written before the next visible character.
    private var pendingTab = false
    /// How many line feeds the output ends with.
    private var trailingNewlines = 0
    /// Whether the output is empty or ends at the start of a line.
    private var atLineStart: Bool { output.isEmpty || trailingNewlines > 0 }
    /// How many preformatted elements we are inside.
    private var preformattedDepth = 0
    /// Whether the next text is the first inside a `<pre>` (its leading newline is dropped).
    private var atPreformattedStart = false

    mutating func enter(_ name: String, isFirstCell: Bool) {
        if name == "br" {
            lineBreak()
            return
        }
        if name == "td" || name == "th" {
            if !isFirstCell { pendingTab = true }
            return
        }
        if HTMLElements.paragraph.contains(name) {
            requireBreaks(2)
        } else if HTMLElements.block.contains(name) {
            requireBreaks(1)
        }
        if HTMLElements.preformatted.contains(name) {
            preformattedDepth += 1
            atPreformattedStart = true
        }
    }

    mutating func leave(_ name: String) {
        if HTMLElements.preformatted.contains(name) {
            preformattedDepth -= 1
            atPreformattedStart = false
        }
        if HTMLElements.paragraph.contains(name) {
            requireBreaks(2)
        } else if HTMLElements.block.contains(name) {
            requireBreaks(1)
        }
    }

    /// Adds the content of a text node.
    mutating func append(_ text: String) {
        if preformattedDepth > 0 {
            appendPreformatted(text)
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0C}":
                if !atLineStart || pendingBreaks > 0 || pendingTab { pendingSpace = true }
            default:
                visible(scalar)
            }
        }
    }

    private mutating func appendPreformatted(_ text: String) {
        var scalars = Substring(text).unicodeScalars[...]
        // HTML drops a newline right after <pre>'s start tag; libxml2 keeps it.
        if atPreformattedStart {
            atPreformattedStart = false
            if scalars.first == "\r" { scalars = scalars.dropFirst() }
            if scalars.first == "\n" { scalars = scalars.dropFirst() }
        }
        var previousWasCR = false
        for scalar in scalars {
            switch scalar {
            case "\r":
                lineBreak()
            case "\n":
                if !previousWasCR { lineBreak() }
            default:
                flushPending(spaceAllowed: false)
                emit(scalar)
            }
            previousWasCR = scalar == "\r"
        }
    }

    /// Marks that the next visible character must start at least `count` lines further down.
    private mutating func requireBreaks(_ count: Int) {
        pendingBreaks = max(pendingBreaks, count)
        pendingSpace = false
        pendingTab = false
    }

    /// A forced line break (`<br>`, or a newline inside `<pre>`).
    private mutating func lineBreak() {
        flushPending(spaceAllowed: false)
        output.append("\n")
        trailingNewlines += 1
    }

    private mutating func visible(_ scalar: Unicode.Scalar) {
        flushPending(spaceAllowed: true)
        emit(scalar)
    }

    private mutating func flushPending(spaceAllowed: Bool) {
        if pendingBreaks > 0 {
            if !output.isEmpty {
                // Breaks already written (by <br>) count toward the required ones.
                for _ in 0..<max(0, pendingBreaks - trailingNewlines) { output.append("\n") }
                trailingNewlines = max(trailingNewlines, pendingBreaks)
            }
            pendingBreaks = 0
            pendingSpace = false
            pendingTab = false
        }
        if pendingTab {
            output.append("\t")
            trailingNewlines = 0
        } else if pendingSpace && spaceAllowed && !atLineStart {
            output.append(" ")
        }
        pendingTab = false
        pendingSpace = false
    }

    /// Writes one character, mapped and filtered for plain text.
    private mutating func emit(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0xA0:
            output.append(" ")
        case 0xAD, 0x200B, 0xFEFF:
            return
        case 0x00...0x1F, 0x7F:
            if scalar == "\t" { output.append(scalar) } else { return }
        case 0x80...0x9F:
            guard let mapped = TextDecoding.windows1252Replacement(scalar.value) else { return }
            output.append(mapped)
        default:
            output.append(scalar)
        }
        trailingNewlines = 0
    }

    /// The text, without trailing spaces on lines and without blank lines at either end.
    func finish() -> String {
        var lines = String(output).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = Substring(line)
            while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
            return line
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
