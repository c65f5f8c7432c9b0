/// What `sluice deliver` does when a script rejects the message (`reject`, `ereject`),
/// where no protocol reply can carry the refusal.
public enum RejectAction: String, Sendable, Hashable, CaseIterable {
    /// Exit with `EX_NOPERM` (77) and the reason on standard error, so the MTA bounces
    /// the message (the default).
    case exit
    /// Send an RFC 5429 rejection MDN to the envelope sender and exit 0.
    case mdn
}

/// The `[deliver]` section: how `sluice deliver` behaves.
public struct LocalDeliveryConfiguration: Sendable, Hashable {
    /// What a rejection does. Default `.exit`.
    public var rejectAction: RejectAction = .exit

    /// The defaults documented on each property.
    public init() {}

    /// Reads `[deliver]` (`reject_action = "exit" | "mdn"`).
    static func read(_ reader: inout TOMLReader) throws(ConfigurationError) -> LocalDeliveryConfiguration {
        var configuration = LocalDeliveryConfiguration()
        if let action = try reader.choice("reject_action", RejectAction.allCases.map(\.rawValue)) {
            configuration.rejectAction = RejectAction(rawValue: action) ?? .exit
        }
        return configuration
    }
}
