import MailCore

/// A file path with per-user escapes, checked once when the configuration is loaded and
/// expanded for each user.
///
/// Escapes: `%d` the domain, `%n` the local part without subaddress detail, `%u` the
/// two as `%n@%d`, `%%` a literal `%`. The caller decides the case of the values (the
/// user database lowercases the domain always and the local part unless local parts are
/// case-sensitive).
///
/// Safety rules, so that no address can reach outside the intended tree:
/// - the template must be an absolute path and may not contain a `..` component;
/// - a value substituted for an escape may not be empty, contain `/`, NUL or another
///   control character;
/// - the expanded path may not contain a `.` or `..` component (`%n` = `..` in
///   `/mail/%n/Maildir` is refused, as is `.` from `%n.d` with an empty-looking value).
public struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The template as configured.
    public let template: String
    private let pieces: [Piece]

    private enum Piece: Sendable, Hashable {
        case literal(String)
        case domain
        case localPart
        case user
    }

    /// Checks a template; see the type's documentation for the rules.
    public init(_ template: String) throws(PathTemplateError) {
        guard !template.isEmpty else { throw .emptyTemplate }
        guard template.hasPrefix("/") else { throw .notAbsolute(template: template) }
        var pieces: [Piece] = []
        var literal = ""
        var iterator = template.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                literal.append(character)
                continue
            }
            guard let escape = iterator.next() else { throw .danglingPercent(template: template) }
            let piece: Piece
            switch escape {
            case "%": literal.append("%"); continue
            case "d": piece = .domain
            case "n": piece = .localPart
            case "u": piece = .user
            default: throw .unknownEscape(template: template, escape: String(escape))
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(piece)
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        // A `..` component made of literal text alone is refused here; one made with
        // values is caught at expansion.
        let literalOnly = pieces.map { piece -> String in
            if case .literal(let text) = piece { return text }
            return "x"
        }.joined()
        if literalOnly.split(separator: "/", omittingEmptySubsequences: true).contains("..") {
            throw .parentReference(template: template)
        }
        self.template = template
        self.pieces = pieces
    }

    /// The template as configured.
    public var description: String { template }

    /// Whether the template uses an escape at all (a fixed path serves every user).
    public var isFixed: Bool {
        pieces.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The path for one user, or an error naming the value that would escape.
    public func expand(localPart: String, domain: String) throws(PathTemplateError) -> String {
        try Self.checkValue(localPart, escape: "%n", template: template)
        try Self.checkValue(domain, escape: "%d", template: template)
        var path = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): path += text
            case .domain: path += domain
            case .localPart: path += localPart
            case .user: path += localPart + "@" + domain
            }
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: true)
        where component == "." || component == ".." {
            throw .escapingPath(template: template, path: path)
        }
        return path
    }

    private static func checkValue(_ value: String, escape: String, template: String) throws(PathTemplateError) {
        if value.isEmpty {
            throw .unsafeValue(template: template, escape: escape, value: value, reason: "it is empty")
        }
        for scalar in value.unicodeScalars {
            if scalar == "/" {
                throw .unsafeValue(template: template, escape: escape, value: value, reason: "it contains '/'")
            }
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw .unsafeValue(template: template, escape: escape, value: value,
                                   reason: "it contains the control character U+\(hex(scalar.value))")
            }
        }
    }
}

/// Why a path template was refused, or could not be expanded for a user.
public enum PathTemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template is the empty string.
    case emptyTemplate
    /// The template does not start with `/`.
    case notAbsolute(template: String)
    /// `%` followed by something other than `d`, `n`, `u` or `%`.
    case unknownEscape(template: String, escape: String)
    /// The template ends with a lone `%`.
    case danglingPercent(template: String)
    /// The template itself contains a `..` component.
    case parentReference(template: String)
    /// A value would make an unsafe path (empty, `/`, control character).
    case unsafeValue(template: String, escape: String, value: String, reason: String)
    /// The expanded path has a `.` or `..` component.
    case escapingPath(template: String, path: String)

    /// What is wrong, naming the template and, when it helps, what was expected.
    public var description: String {
        switch self {
        case .emptyTemplate:
            "path template is empty; expected an absolute path such as /var/mail/%d/%n/Maildir"
        case .notAbsolute(let template):
            "path template \"\(template)\" is not absolute; expected it to start with '/'"
        case .unknownEscape(let template, let escape):
            "path template \"\(template)\" uses the unknown escape '%\(escape)'; expected %d, %n, %u or %%"
        case .danglingPercent(let template):
            "path template \"\(template)\" ends with a lone '%'; write %% for a percent sign"
        case .parentReference(let template):
            "path template \"\(template)\" contains a '..' component, which could point outside the mail tree"
        case .unsafeValue(let template, let escape, let value, let reason):
            "cannot expand \(escape) in path template \"\(template)\" with \"\(DiagnosticText.printable(value))\": \(reason)"
        case .escapingPath(let template, let path):
            "path template \"\(template)\" expands to \"\(DiagnosticText.printable(path))\", which has a '.' or '..' component"
        }
    }
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

