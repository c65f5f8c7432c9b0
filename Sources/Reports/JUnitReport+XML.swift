internal import CLibXML2

extension JUnitReport {
    /// The report as a UTF-8 XML document with an XML declaration, indented two spaces.
    ///
    /// Written with libxml2's `xmlTextWriter`, which escapes `<`, `>`, `&` and `"` (and line
    /// breaks and tabs in attribute values); characters XML 1.0 forbids are removed first.
    public func xmlBytes() throws(ReportError) -> [UInt8] {
        LibXML2.initialise()
        guard let buffer = xmlBufferCreate() else { throw .libxml2(operation: "xmlBufferCreate") }
        defer { xmlBufferFree(buffer) }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else { throw .libxml2(operation: "xmlNewTextWriterMemory") }
        var xml = XMLWriter(writer: writer)
        do {
            try xml.writeDocument(self)
        } catch {
            xmlFreeTextWriter(writer)
            throw error
        }
        // Freeing the writer flushes what it still holds into the buffer.
        xmlFreeTextWriter(writer)
        guard let content = xmlBufferContent(buffer) else { throw .libxml2(operation: "xmlBufferContent") }
        let length = Int(xmlBufferLength(buffer))
        return Array(UnsafeBufferPointer(start: content, count: length))
    }
}

/// A thin checked layer over one `xmlTextWriter`; lives only inside `xmlBytes()`.
private struct XMLWriter {
    let writer: xmlTextWriterPtr

    mutating func writeDocument(_ report: JUnitReport) throws(ReportError) {
        try check(xmlTextWriterSetIndent(writer, 1), "xmlTextWriterSetIndent")
        try check(withXMLChars("  ") { xmlTextWriterSetIndentString(writer, $0) }, "xmlTextWriterSetIndentString")
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "xmlTextWriterStartDocument")

        try start("testsuites")
        if let name = report.name { try attribute("name", name) }
        try counts(report.counts)
        try attribute("time", junitSeconds(report.duration))
        for suite in report.suites {
            try write(suite)
        }
        try end()  // testsuites

        try check(xmlTextWriterEndDocument(writer), "xmlTextWriterEndDocument")
    }

    private mutating func write(_ suite: JUnitReport.Suite) throws(ReportError) {
        try start("testsuite")
        try attribute("name", suite.name)
        try counts(suite.counts)
        try attribute("time", junitSeconds(suite.duration))
        if let timestamp = suite.timestamp { try attribute("timestamp", timestamp.formatted) }
        try attribute("file", suite.file)
        for testCase in suite.cases {
            try write(testCase)
        }
        if let output = suite.systemOut { try element("system-out", text: output) }
        try end()
    }

    private mutating func write(_ testCase: JUnitReport.Case) throws(ReportError) {
        try start("testcase")
        try attribute("name", testCase.name)
        try attribute("classname", testCase.className)
        try attribute("time", junitSeconds(testCase.duration))
        if let file = testCase.file { try attribute("file", file) }
        if let line = testCase.line { try attribute("line", String(line)) }
        switch testCase.outcome {
        case .passed:
            break
        case .failed(let message, let detail):
            try problem("failure", message: message, detail: detail)
        case .error(let message, let detail):
            try problem("error", message: message, detail: detail)
        case .skipped(let reason):
            try start("skipped")
            if !reason.isEmpty { try attribute("message", reason) }
            try end()
        }
        if let output = testCase.systemOut { try element("system-out", text: output) }
        try end()
    }

    private mutating func problem(_ name: String, message: String, detail: String) throws(ReportError) {
        try start(name)
        try attribute("message", message)
        try attribute("type", name)
        if !detail.isEmpty { try text(detail) }
        try end()
    }

    private mutating func counts(_ counts: JUnitReport.Counts) throws(ReportError) {
        try attribute("tests", String(counts.tests))
        try attribute("failures", String(counts.failures))
        try attribute("errors", String(counts.errors))
        try attribute("skipped", String(counts.skipped))
    }

    private mutating func element(_ name: String, text content: String) throws(ReportError) {
        try start(name)
        try text(content)
        try end()
    }

    private func start(_ name: String) throws(ReportError) {
        try check(withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "xmlTextWriterStartElement")
    }

    private func end() throws(ReportError) {
        try check(xmlTextWriterEndElement(writer), "xmlTextWriterEndElement")
    }

    private func attribute(_ name: String, _ value: String) throws(ReportError) {
        let value = XMLCharacters.sanitisedForXML(value)
        let result = withXMLChars(name) { name in
            withXMLChars(value) { value in xmlTextWriterWriteAttribute(writer, name, value) }
        }
        try check(result, "xmlTextWriterWriteAttribute")
    }

    private func text(_ content: String) throws(ReportError) {
        let content = XMLCharacters.sanitisedForXML(content)
        try check(withXMLChars(content) { xmlTextWriterWriteString(writer, $0) }, "xmlTextWriterWriteString")
    }

    private func check(_ result: Int32, _ operation: String) throws(ReportError) {
        if result < 0 { throw .libxml2(operation: operation) }
    }
}
