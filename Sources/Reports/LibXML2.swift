internal import CLibXML2

/// The process-wide libxml2 set-up and the small conversions every libxml2 user here needs.
///
/// Every libxml2 call in Sluice lives inside one synchronous function of this module; only
/// Swift values leave it. libxml2's pointers are not `Sendable` and its error handlers are
/// per thread, so no libxml2 state is kept between calls and nothing awaits in the middle.
enum LibXML2 {
    /// Runs `xmlInitParser()` exactly once (Swift initialises a `static let` once, thread-safely).
    /// `xmlCleanupParser()` is never called: other threads may still be using libxml2.
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// Makes sure libxml2 is initialised; call before the first libxml2 call of a function.
    static func initialise() {
        _ = initialised
    }
}

/// Calls `body` with `string` as a NUL-terminated `xmlChar` string.
///
/// `string` must not contain NUL (sanitise it first): libxml2 would stop reading there.
func withXMLChars<Result>(_ string: String, _ body: (UnsafePointer<xmlChar>) throws -> Result) rethrows -> Result {
    try string.withCString { cString in
        try cString.withMemoryRebound(to: xmlChar.self, capacity: string.utf8.count + 1) { try body($0) }
    }
}

/// Copies a libxml2 string into a Swift `String` (nil pointer → nil). Does not free it.
func stringFromXMLChars(_ pointer: UnsafePointer<xmlChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}
