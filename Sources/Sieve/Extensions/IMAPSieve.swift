/// `imapsieve` (RFC 6785) at delivery.
///
/// imapsieve scripts are run by an IMAP server when a client moves or flags mail; a
/// delivery agent has no IMAP event to give them. Like Pigeonhole outside IMAP, Sluice
/// compiles such scripts (an operator can check them with `sieve-check compile`), and a
/// run fails at its start, so the message is kept in INBOX and the log says why.
///
/// - SeeAlso: RFC 6785 §3 (the extension applies to IMAP events only)
extension SieveCapability {
    /// Capabilities that compile but whose scripts cannot run in a delivery agent; they
    /// are not advertised in capability lists.
    public static let compileOnly: Set<SieveCapability> = [.imapsieve, .vndDovecotImapsieve]
}

extension CompiledScript {
    /// The runtime error of a script that needs an IMAP event (it or a script it includes
    /// requires `imapsieve`), or nil. Checked at the start of every run: no allocation for
    /// the scripts without it.
    var imapEventRequirement: String? {
        func needsIMAP(_ script: CompiledScript) -> Bool {
            script.requiredCapabilities.contains {
                $0 == SieveCapability.imapsieve.rawValue || $0 == SieveCapability.vndDovecotImapsieve.rawValue
            }
        }
        guard let needing = needsIMAP(self) ? self : includedScripts.values.first(where: needsIMAP) else { return nil }
        let which = needing.file.map { " (\($0) requires \"imapsieve\")" } ?? ""
        return "the imapsieve extension cannot be used at delivery\(which): its scripts run in an IMAP server when mail "
            + "is moved or flagged (RFC 6785), and Sluice runs scripts as mail arrives"
    }
}
