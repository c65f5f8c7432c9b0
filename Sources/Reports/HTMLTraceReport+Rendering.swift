extension HTMLTraceReport {
    /// The page for `input` as HTML bytes (ASCII; non-ASCII characters become character references).
    ///
    /// Built with libxml2's HTML tree API; the script table has exactly one `tr.line` per script
    /// line, with id `L<n>` so a link can point at a line.
    public static func render(_ input: Input) throws(ReportError) -> [UInt8] {
        try HTMLDocumentBuilder.render(title: "Sieve trace: \(input.scriptName)", stylesheet: stylesheet) {
            (page: borrowing HTMLDocumentBuilder, body: HTMLNode) throws(ReportError) in
            try page.element("h1", in: body, text: "Sieve trace: \(input.scriptName)")
            try renderResult(input, page, body)
            if !input.errors.isEmpty {
                let section = try page.element("section", in: body, class: "errors")
                try page.element("h2", in: section, text: "Errors")
                let list = try page.element("ul", in: section)
                for error in input.errors {
                    try page.element("li", in: list, text: error)
                }
            }
            try renderScript(input, page, body)
            try renderFields("Envelope", class: "envelope", input.envelope, page, body)
            try renderFields("Header fields", class: "headers", input.headers, page, body)
        }
    }

    private static func renderResult(_ input: Input, _ page: borrowing HTMLDocumentBuilder, _ body: HTMLNode) throws(ReportError) {
        let section = try page.element("section", in: body, class: "result")
        try page.element("h2", in: section, text: "Actions")
        if input.actions.isEmpty {
            try page.element("p", in: section, class: "no-actions", text: "No explicit actions.")
        } else {
            let list = try page.element("ol", in: section, class: "actions")
            for action in input.actions {
                try page.element("li", in: list, text: action)
            }
        }
        if input.implicitKeep {
            try page.element("p", in: section, class: "implicit-keep kept", text: "Implicit keep: the message is kept in the default mailbox.")
        } else {
            try page.element("p", in: section, class: "implicit-keep cancelled", text: "Implicit keep: cancelled.")
        }
    }

    private static func renderScript(_ input: Input, _ page: borrowing HTMLDocumentBuilder, _ body: HTMLNode) throws(ReportError) {
        let section = try page.element("section", in: body, class: "script")
        try page.element("h2", in: section, text: "Script")
        let legend = try page.element("ul", in: section, class: "legend")
        for state in LineMark.State.allCases {
            let item = try page.element("li", in: legend, class: state.cssClass)
            try page.element("span", in: item, class: "mark", text: state.symbol)
            try page.text(" " + state.label, in: item)
        }
        let table = try page.element("table", in: section, class: "script")
        let tableBody = try page.element("tbody", in: table)
        for (index, line) in input.scriptLines.enumerated() {
            let number = index + 1
            let mark = input.lineMarks[number]
            let row = try page.element("tr", in: tableBody, class: mark.map { "line \($0.state.cssClass)" } ?? "line")
            try page.setAttribute("id", "L\(number)", on: row)
            try page.element("td", in: row, class: "number", text: String(number))
            let markCell = try page.element("td", in: row, class: "mark", text: mark?.state.symbol)
            if let mark { try page.setAttribute("title", mark.state.label, on: markCell) }
            try page.element("td", in: row, class: "code", text: line)
            let notesCell = try page.element("td", in: row, class: "notes")
            if let mark, !mark.notes.isEmpty {
                let list = try page.element("ul", in: notesCell)
                for note in mark.notes {
                    try page.element("li", in: list, text: note)
                }
            }
        }
    }

    private static func renderFields(
        _ title: String, class className: String, _ fields: [Field], _ page: borrowing HTMLDocumentBuilder, _ body: HTMLNode
    ) throws(ReportError) {
        let section = try page.element("section", in: body, class: className)
        try page.element("h2", in: section, text: title)
        guard !fields.isEmpty else {
            try page.element("p", in: section, class: "empty", text: "None.")
            return
        }
        let table = try page.element("table", in: section, class: "fields")
        let tableBody = try page.element("tbody", in: table)
        for field in fields {
            let row = try page.element("tr", in: tableBody)
            let name = try page.element("th", in: row, text: field.name)
            try page.setAttribute("scope", "row", on: name)
            try page.element("td", in: row, text: field.value)
        }
    }

    /// The page's whole stylesheet (a constant: nothing from the input goes into it).
    static let stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 2em; color: #1d1d1f; background: #fff; }
        h1 { font-size: 1.4em; }
        h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; }
        table.script { width: 100%; font-family: ui-monospace, monospace; font-size: 0.9em; }
        table.script td { padding: 1px 0.6em; vertical-align: top; }
        td.number { color: #888; text-align: right; user-select: none; }
        td.mark { width: 1.5em; text-align: center; }
        td.code { white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 4; }
        td.notes { color: #444; font-family: system-ui, sans-serif; }
        td.notes ul { margin: 0; padding-left: 1.2em; }
        tr.matched { background: #e3f6e3; }
        tr.matched td.mark { color: #1a7f1a; }
        tr.not-matched { background: #fbe4e4; }
        tr.not-matched td.mark { color: #b42318; }
        tr.not-evaluated { background: #f1f1f1; }
        tr.not-evaluated td.mark, tr.not-evaluated td.code { color: #888; }
        ul.legend { list-style: none; padding: 0; display: flex; gap: 1em; }
        ul.legend li { padding: 0.1em 0.6em; }
        ul.legend li.matched { background: #e3f6e3; }
        ul.legend li.not-matched { background: #fbe4e4; }
        ul.legend li.not-evaluated { background: #f1f1f1; }
        p.implicit-keep.kept { color: #1a7f1a; }
        p.implicit-keep.cancelled { color: #b42318; }
        section.errors li { color: #b42318; }
        table.fields th { text-align: left; padding: 2px 1em 2px 0; vertical-align: top; white-space: nowrap; }
        table.fields td { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
        """
}
