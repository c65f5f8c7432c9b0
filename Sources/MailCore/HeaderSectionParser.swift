/// Splits a message into header fields and body.
///
/// Minimal first version: unfolds and keeps raw bytes; RFC 2047 decoding to be layered
/// in `value`.
enum HeaderSectionParser {
    struct Result {
        var fields: [HeaderField]
        var bodyOffset: Int
    }

    static func parse(_ bytes: [UInt8]) -> Result {
        var fields: [HeaderField] = []
        var index = 0
        var current: (name: String, value: [UInt8])?

        func flush() {
            if let field = current {
                let value = String(decoding: field.value, as: UTF8.self)
                fields.append(HeaderField(name: field.name, rawValue: field.value, value: value))
            }
            current = nil
        }

        while index < bytes.count {
            // Find end of line.
            var end = index
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let next = end < bytes.count ? end + 1 : end
            var lineEnd = end
            if lineEnd > index && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[index..<lineEnd]
            if line.isEmpty {
                flush()
                return Result(fields: fields, bodyOffset: next)
            }
            if line.first == 0x20 || line.first == 0x09 {
                // Continuation: unfold by dropping the line break.
                if current != nil { current!.value.append(contentsOf: line) }
            } else if let colon = line.firstIndex(of: 0x3A) {
                flush()
                var name = bytes[index..<colon]
                while let last = name.last, last == 0x20 || last == 0x09 { name = name.dropLast() }
                var valueStart = colon + 1
                while valueStart < lineEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) {
                    valueStart += 1
                }
                current = (String(decoding: name, as: UTF8.self), Array(bytes[valueStart..<lineEnd]))
            } else {
                // Not a header line: the header section ended without a blank line.
                flush()
                return Result(fields: fields, bodyOffset: index)
            }
            index = next
        }
        flush()
        return Result(fields: fields, bodyOffset: bytes.count)
    }
}
