#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a header section into fields and finds where the body starts.
///
/// Lines may end in CRLF or a bare LF. Choices for input that breaks RFC 5322:
/// - A line that starts with whitespace before any field has begun has nothing to
///   continue: it is skipped.
/// - A line that is neither a continuation nor `name:` with a valid field name
///   (printable ASCII except `:`; whitespace before the colon is allowed, as in
///   RFC 5322 §4.5) ends the header section without a blank line: the body starts at
///   that line, and nothing of it is lost.
/// - At the very start of a message (not of a MIME part), an mbox `From ` separator
///   line is skipped.
/// - A whitespace-only line inside the header section is a continuation (RFC 5322 §4.2).
///
/// - SeeAlso: RFC 5322 §2.2 (header fields), §2.2.3 (unfolding), §3.6.8, §4.5.
enum HeaderSectionParser {
    struct Result {
        var fields: [HeaderField]
        var bodyOffset: Int
        /// Where each field's lines are (name to the end of its last line break), when
        /// asked for (`recordingSpans`); empty otherwise.
        var spans: [Range<Int>] = []
    }

    static func parse(_ bytes: [UInt8]) -> Result {
        bytes.withUnsafeBufferPointer { parse($0, from: 0, to: $0.count, atMessageStart: true) }
    }

    /// Parses the header section in `input[start..<end]`; `bodyOffset` is absolute.
    static func parse(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, atMessageStart: Bool,
        recordingSpans: Bool = false
    ) -> Result {
        var fields: [HeaderField] = []
        var spans: [Range<Int>] = []
        var index = start
        var current: PendingField?
        var currentStart = start
        var lineEnd = start
        func finishCurrent() {
            guard let field = current else { return }
            fields.append(field.finish(input))
            if recordingSpans { spans.append(currentStart..<lineEnd) }
        }

        if atMessageStart && hasMboxSeparator(input, at: index, end: end) {
            index = nextLine(input, from: index, end: end).next
        }

        while index < end {
            let (contentEnd, next) = nextLine(input, from: index, end: end)
            if contentEnd == index {
                // The blank line: the header section ends here.
                finishCurrent()
                return Result(fields: fields, bodyOffset: next, spans: spans)
            }
            let first = input[index]
            if first == 0x20 || first == 0x09 {
                current?.appendContinuation(input, index..<contentEnd)
            } else if let colon = fieldNameEnd(input, from: index, to: contentEnd) {
                finishCurrent()
                var nameEnd = colon
                while nameEnd > index && (input[nameEnd - 1] == 0x20 || input[nameEnd - 1] == 0x09) { nameEnd -= 1 }
                let name = String(decoding: UnsafeBufferPointer(rebasing: input[index..<nameEnd]), as: UTF8.self)
                current = PendingField(name: name, firstLine: (colon + 1)..<contentEnd)
                currentStart = index
            } else {
                finishCurrent()
                return Result(fields: fields, bodyOffset: index, spans: spans)
            }
            index = next
            if current != nil { lineEnd = next }
        }
        finishCurrent()
        return Result(fields: fields, bodyOffset: end, spans: spans)
    }

    /// The end of the line starting at `from`, without its line break, and the start of
    /// the next line.
    @inline(__always)
    static func nextLine(_ input: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> (contentEnd: Int, next: Int) {
        guard from < end, let base = input.baseAddress,
            let found = memchr(base + from, 0x0A, end - from)
        else { return (end, end) }
        let lineFeed = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        var contentEnd = lineFeed
        if contentEnd > from && input[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        return (contentEnd, lineFeed + 1)
    }

    // field-name = 1*ftext ; ftext = %d33-57 / %d59-126, then *WSP ":" (obs-optional)
    /// The index of the colon ending a valid field name, or nil.
    private static func fieldNameEnd(_ input: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        var index = from
        while index < end {
            let byte = input[index]
            if byte == 0x3A { return index > from ? index : nil }
            if byte == 0x20 || byte == 0x09 {
                // Only whitespace may follow until the colon.
                var probe = index
                while probe < end && (input[probe] == 0x20 || input[probe] == 0x09) { probe += 1 }
                return (probe < end && input[probe] == 0x3A && index > from) ? probe : nil
            }
            if byte < 33 || byte > 126 { return nil }
            index += 1
        }
        return nil
    }

    private static func hasMboxSeparator(_ input: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Bool {
        let prefix: [UInt8] = Array("From ".utf8)
        guard end - index >= prefix.count else { return false }
        for offset in 0..<prefix.count where input[index + offset] != prefix[offset] { return false }
        return true
    }

    /// A field being collected: its first line as a range, folded lines appended.
    struct PendingField {
        var name: String
        var firstLine: Range<Int>
        var unfolded: [UInt8]?

        mutating func appendContinuation(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) {
            if unfolded == nil { unfolded = Array(input[firstLine]) }
            // RFC 5322 §2.2.3: unfolding removes only the CRLF; the WSP stays.
            unfolded?.append(contentsOf: input[line])
        }

        func finish(_ input: UnsafeBufferPointer<UInt8>) -> HeaderField {
            if let unfolded {
                return unfolded.withUnsafeBufferPointer { HeaderField(name: name, trimming: $0) }
            }
            return HeaderField(name: name, trimming: UnsafeBufferPointer(rebasing: input[firstLine]))
        }
    }
}

extension HeaderField {
    /// Builds a field from its unfolded body, trimming surrounding whitespace and
    /// decoding encoded words for `value`.
    init(name: String, trimming body: UnsafeBufferPointer<UInt8>) {
        var start = 0, end = body.count
        while start < end && isWhitespace(body[start]) { start += 1 }
        while end > start && isWhitespace(body[end - 1]) { end -= 1 }
        let trimmed = UnsafeBufferPointer(rebasing: body[start..<end])
        self.init(name: name, rawValue: Array(trimmed), value: EncodedWords.decode(trimmed))
    }
}

@inline(__always)
func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
}
