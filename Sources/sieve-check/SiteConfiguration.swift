import ArgumentParser
import Delivery
import Sieve
import SluiceConfig

/// `--config sluice.toml`: run with the site's Sieve settings (limits, vacation periods,
/// `[spamtest]`, `[virustest]`, host name and domain) instead of the defaults.
struct SiteConfigurationOption: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "Use the Sieve settings of this sluice.toml ([scripts] limits, [spamtest], [virustest], [programs], hostname, domain).",
        valueName: "file"))
    var path: String?

    /// The site's `[scripts] before` and `after` paths (none without `--config`).
    func scripts() throws -> (before: [String], after: [String]) {
        guard let path else { return ([], []) }
        do {
            let configuration = try ConfigurationFile.load(path: path)
            return (configuration.delivery.scripts.before, configuration.delivery.scripts.after)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The site's `[lists]` (RFC 6134) as the recipient sees them (its `%u` files); without
    /// a file, only the empty default address book.
    func lists(recipient: String) throws -> any ExternalListSource {
        guard let path else { return ExternalLists.standard }
        do {
            let configuration = try ConfigurationFile.load(path: path)
            let at = recipient.lastIndex(of: "@")
            let localPart = at.map { String(recipient[..<$0]) } ?? recipient
            let domain = at.map { String(recipient[recipient.index(after: $0)...]) } ?? ""
            return SiteExternalLists(configuration.delivery.lists).forUser(localPart: localPart.lowercased(),
                                                                           domain: domain.lowercased())
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The Sieve options, host name and domain: the file's, or the defaults (and this
    /// machine's host name). Without a file every extension Sluice has counts as enabled,
    /// the external-program ones included (with no program directory, so their programs
    /// cannot run): a script is checked against what a site may allow; with a file,
    /// against what that site allows.
    func load() throws -> (options: SieveOptions, hostname: String?, domain: String?) {
        guard let path else {
            var options = SieveOptions()
            for capability in SieveCapability.externalPrograms { options.enabledExtensions.insert(capability.rawValue) }
            return (options, nil, nil)
        }
        do {
            let configuration = try ConfigurationFile.load(path: path)
            return (configuration.delivery.scripts.sieveOptions, configuration.delivery.hostname, configuration.delivery.domain)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
