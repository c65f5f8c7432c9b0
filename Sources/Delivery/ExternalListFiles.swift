import Foundation
import Sieve
import Synchronization

/// Where one of the site's lists (RFC 6134, sluice.toml `[lists]`) keeps its entries.
public enum ExternalListDefinition: Sendable, Hashable {
    /// Entries written in the configuration.
    case entries([String])
    /// A file with one entry a line (`#` comments, blank lines skipped), its path
    /// expanded per user (`%u`, `%n`, `%d`): a user's own address book, or one file for
    /// everybody.
    case file(PathTemplate)
}

/// The site's lists as the delivery agent reads them: entries from the configuration,
/// and files read on first use and again whenever they change (modification time and
/// size), so an edited list counts from the next message on without a restart.
///
/// - SeeAlso: RFC 6134 §2
public final class SiteExternalLists: Sendable {
    /// The lists by name (the default address book is always there, empty unless defined).
    public let definitions: [ExternalListName: ExternalListDefinition]
    private let configured: ExternalLists
    private let files = Mutex<[String: CachedListFile]>([:])

    private struct CachedListFile {
        var modified: Date
        var size: Int
        var entries: Set<String>
    }

    /// Lists with these definitions.
    public init(_ definitions: [ExternalListName: ExternalListDefinition] = [:]) {
        self.definitions = definitions
        var entries: [ExternalListName: [String]] = [:]
        for case (let name, .entries(let list)) in definitions { entries[name] = list }
        self.configured = ExternalLists(entries)
    }

    /// The lists as one user sees them (files expanded for that user).
    public func forUser(localPart: String, domain: String) -> any ExternalListSource {
        UserExternalLists(site: self, localPart: localPart, domain: domain)
    }

    fileprivate func hasList(_ name: ExternalListName) -> Bool {
        definitions[name] != nil || configured.hasList(name)
    }

    fileprivate func lookUp(_ value: String, in name: ExternalListName, localPart: String, domain: String) -> ExternalListAnswer {
        guard case .file(let template) = definitions[name] else { return configured.lookUp(value, in: name) }
        let path: String
        do {
            path = try template.expand(localPart: localPart, domain: domain)
        } catch {
            return .failed("the list file path cannot be made for this user: \(error)")
        }
        switch entries(ofFile: path) {
        case .success(let entries): return entries.contains(ExternalLists.fold(value)) ? .member : .notMember
        case .failure(let problem): return .failed(problem.reason)
        }
    }

    private struct FileProblem: Error {
        var reason: String
    }

    /// The entries of a list file, from the cache while the file is unchanged. A missing
    /// file is an empty list (a user who has no address book yet).
    private func entries(ofFile path: String) -> Result<Set<String>, FileProblem> {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            if !FileManager.default.fileExists(atPath: path) { return .success([]) }
            return .failure(FileProblem(reason: "cannot read \(path): \(error.localizedDescription)"))
        }
        let modified = attributes[.modificationDate] as? Date ?? .distantPast
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        if let cached = files.withLock({ $0[path] }), cached.modified == modified, cached.size == size {
            return .success(cached.entries)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileProblem(reason: "cannot read \(path)"))
        }
        let entries = Set(ExternalLists.entries(inListFile: String(decoding: data, as: UTF8.self)).map(ExternalLists.fold))
        files.withLock { $0[path] = CachedListFile(modified: modified, size: size, entries: entries) }
        return .success(entries)
    }
}

/// The site's lists for one user.
struct UserExternalLists: ExternalListSource {
    let site: SiteExternalLists
    let localPart: String
    let domain: String

    func hasList(_ name: ExternalListName) -> Bool { site.hasList(name) }

    func lookUp(_ value: String, in name: ExternalListName) -> ExternalListAnswer {
        site.lookUp(value, in: name, localPart: localPart, domain: domain)
    }
}
