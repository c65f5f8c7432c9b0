import Foundation

/// RFC 5051's mapping written out plainly for `ReferenceMatcher` (kept apart: Foundation
/// has a `Comparator` of its own).
enum ReferenceCasemap {
    /// Simple titlecase per scalar, then NFKD of the string.
    static func map(_ s: String) -> String {
        var titled = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let full = Array(scalar.properties.titlecaseMapping.unicodeScalars)
            titled.append(full.count == 1 ? full[0] : scalar)
        }
        return String(titled).decomposedStringWithCompatibilityMapping
    }
}
