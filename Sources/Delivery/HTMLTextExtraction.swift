import Reports
import Sieve

/// `body :text` for delivery: HTML parts are read with libxml2's HTML parser
/// (`Reports.HTMLText`), as a browser would show them.
///
/// - SeeAlso: RFC 5173 §5.3
struct LibXML2HTMLTextExtractor: HTMLTextExtractor {
    func text(fromHTML html: [UInt8], charset: String?) -> String {
        HTMLText.extractText(fromHTML: html, charset: charset)
    }
}

extension RecipientSieveContext {
    var htmlTextExtractor: (any HTMLTextExtractor)? { LibXML2HTMLTextExtractor() }
}
