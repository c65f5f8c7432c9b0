import MailCore

/// Which one of the named header fields a test looks at: `:index N`, counted from the
/// first field (or, with `:last`, from the last).
///
/// With several header names the fields are counted in the order of the names, the
/// fields of each name in message order. `:index` counts fields, never addresses
/// within one field.
///
/// - SeeAlso: RFC 5260 §6
struct FieldIndex: Sendable, Hashable {
    /// 1 or more.
    let position: Int
    /// `:last`: count from the bottom.
    let fromLast: Bool

    /// The selected element of `fields`, nil when there are fewer than `position`.
    func select<T>(_ fields: [T]) -> T? {
        guard position <= fields.count else { return nil }
        return fromLast ? fields[fields.count - position] : fields[position - 1]
    }
}

extension TagSpec {
    /// `:index <fieldno: number>` and `:last` (RFC 5260 §6).
    static let index: [TagSpec] = [
        TagSpec("index", .number, capability: .index),
        TagSpec("last", capability: .index),
    ]
}

extension Validator {
    /// The `:index`/`:last` of a test; `ok` false when one was misused (reported).
    ///
    /// - SeeAlso: RFC 5260 §6 (":last without :index is an error"; fields count from 1)
    mutating func fieldIndex(_ read: ReadArguments) -> (ok: Bool, index: FieldIndex?) {
        guard let use = read.tags["index"] else {
            if let last = read.tags["last"] {
                error("':last' needs ':index N' (it says which field counts back from the last one); "
                      + "write :index 1 :last for the last field", at: last.range.start)
                return (false, nil)
            }
            return (true, nil)
        }
        guard case .number(let position, let range)? = use.parameter else { return (false, nil) }
        guard position >= 1 else {
            error(":index counts header fields from 1; found \(position)", at: range.start)
            return (false, nil)
        }
        return (true, FieldIndex(position: position, fromLast: read.has("last")))
    }
}

extension Run {
    /// `header :index`: the values of the selected field only.
    ///
    /// - SeeAlso: RFC 5260 §6
    mutating func evaluateIndexedHeader(names: StrList, index: FieldIndex, match: MatchSpec, at location: SourceLocation,
                                        trace: inout TraceComparison?) throws(Failure) -> Bool {
        var fields: [String] = []
        for name in expandLowercased(names) { fields += message.fieldValues(lowercasedName: name) }
        let values = index.select(fields).map { [$0] } ?? []
        return try compare(values, match, at: location, trace: &trace)
    }

    /// `address :index`: the address parts of the selected field only.
    ///
    /// - SeeAlso: RFC 5260 §6
    mutating func evaluateIndexedAddress(part: AddressPart, headers: StrList, index: FieldIndex, match: MatchSpec,
                                         at location: SourceLocation, trace: inout TraceComparison?) throws(Failure) -> Bool {
        var fields: [Int] = []
        for name in expandLowercased(headers) where Validator.addressHeaders.contains(name) {
            fields += fieldIndices(name)
        }
        var values: [String] = []
        if let field = index.select(fields) {
            appendAddressParts(part, of: message.headerFields[field].addresses, to: &values)
        }
        return try compare(values, match, at: location, trace: &trace)
    }
}
