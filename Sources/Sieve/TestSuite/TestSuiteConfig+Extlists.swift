/// `test_config_set` keys of `extlists`, Pigeonhole's way of defining lists:
///
/// - `sieve_extlists_list`: the names of the lists, separated by spaces;
/// - `sieve_extlists_list/NAME/name`: the list's name (default: `NAME`);
/// - `sieve_extlists_list/NAME/dict/file/path`: a Dovecot file dictionary holding the
///   entries (lines alternate key and value; an entry is a key
///   `priv/sieve/extlists/ENTRY`). Without one the list is empty.
///
/// The dictionary file is read when the key is set (a relative path from the working
/// folder, as in Pigeonhole: write `${tst.path}/...`); other `dict` keys are accepted.
extension Run {
    /// Applies an `extlists` key; false for other keys.
    mutating func configureExternalLists(_ key: String, value: String?, state: inout TestSuiteState) -> Bool {
        guard key.lowercased().hasPrefix("sieve_extlists_list") else { return false }
        state.externalListSettings[key] = value
        let settings = state.externalListSettings
        var lists: [ExternalListName: [String]] = [:]
        var unreadable: [ExternalListName: String] = [:]
        for filter in (settings["sieve_extlists_list"] ?? "").split(separator: " ").map(String.init) {
            let prefix = "sieve_extlists_list/\(filter)/"
            guard let name = ExternalListName(settings[prefix + "name"] ?? filter) else { continue }
            var entries: [String] = []
            if let path = settings[prefix + "dict/file/path"] {
                do {
                    entries = Self.dictionaryListEntries(String(decoding: try state.readFile(path), as: UTF8.self))
                } catch {
                    unreadable[name] = "cannot read the dictionary file \(quoted(path)): \(error)"
                }
            }
            lists[name] = entries
        }
        externalLists = TestSuiteExternalLists(lists: ExternalLists(lists), unreadable: unreadable)
        return true
    }

    /// The entries of a Dovecot file dictionary: the keys under `priv/sieve/extlists/`.
    static func dictionaryListEntries(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let prefix = "priv/sieve/extlists/"
        var entries: [String] = []
        var index = 0
        while index < lines.count {
            let key = lines[index].hasSuffix("\r") ? lines[index].dropLast() : lines[index]
            if key.hasPrefix(prefix) { entries.append(String(key.dropFirst(prefix.count))) }
            index += 2
        }
        return entries
    }
}

/// The test file's lists; a list whose dictionary file could not be read fails the `:list`
/// test that asks it, naming the file.
struct TestSuiteExternalLists: ExternalListSource {
    let lists: ExternalLists
    let unreadable: [ExternalListName: String]

    func hasList(_ name: ExternalListName) -> Bool { lists.hasList(name) }

    func lookUp(_ value: String, in name: ExternalListName) -> ExternalListAnswer {
        if let reason = unreadable[name] { return .failed(reason) }
        return lists.lookUp(value, in: name)
    }
}
