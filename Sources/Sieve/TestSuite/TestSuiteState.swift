import MailCore

/// Everything a `sieve-check test` run keeps besides the ordinary interpreter state:
/// the script under test, the last errors, the in-memory mail store and outbox, and the
/// outcomes of the test blocks so far.
///
/// A value type, so a test block can start from a copy and the run can put the copy back
/// when the block ends: changes inside one block never leak into the next.
struct TestSuiteState {
    /// The test file's folder ("" for the working directory); relative paths resolve
    /// against it.
    let directory: String
    /// Reads a file for `test_script_compile` and `test_multiscript`.
    let readFile: (String) throws -> [UInt8]
    /// The options the run started with (what `test_config_unset` goes back to).
    let baseOptions: SieveOptions

    /// The script `test_script_compile` compiled last, nil if none or it failed.
    var compiled: CompiledScript?
    /// Scripts kept by `test_binary_save`, by name. Sluice has no on-disk compiled form:
    /// "saving" keeps the compiled script in memory for the rest of the test file.
    var savedBinaries: [String: CompiledScript] = [:]
    /// The errors of the last `test_script_compile`, `test_script_run`,
    /// `test_multiscript` or `test_result_execute`, for `test_error`.
    var errors: [String] = []
    /// The flags the implicit keep carries after the last script run (imap4flags).
    var implicitKeepFlags: [String] = []
    /// The scripts `test_script_run` ran since the last reset, as one sequence: their
    /// actions are the result `test_result_action` and `test_result_execute` see.
    var sequence: ScriptSequence?
    var mailStore = TestMailStore()
    /// Annotations set by `test_imap_metadata_set` (the folders themselves are `mailStore`'s).
    var mailboxAttributes = MailboxCatalog()
    /// Settings for what executed actions send (`test_config_set`).
    var deliverySettings = TestSuiteDeliverySettings()
    /// Messages sent by executed redirect and vacation actions, in order.
    var outbox: [TestSentMessage] = []
    /// The reasons of executed reject/ereject actions.
    var rejections: [String] = []

    /// Outcomes of the finished test blocks, in order.
    var records: [TestBlockResult] = []
    /// Lines printed by `test_result_print` in the current block (or at top level).
    var output: [String] = []
    /// Set by `test_fail` (and failed assertions) just before the block is unwound.
    var failReason: String?
    /// The name of the running test block, nil at top level.
    var currentTest: String?
    /// The `sieve_spamtest_*` / `sieve_virustest_*` settings given so far, by full key.
    var scoreTestSettings: [String: String] = [:]
    /// The `sieve_editheader_*` settings made so far (lowercased key → value).
    var editheaderSettings: [String: String] = [:]
    /// The `sieve_extlists_*` settings made so far (key as written → value).
    var externalListSettings: [String: String] = [:]

    /// Decides and composes what executed redirects and vacation replies send.
    let mailer: any TestSuiteMailer
    /// Runs the programs of `pipe` (when a result is executed), `filter` and `execute`.
    var programRunner: @Sendable (ExternalProgramRequest) -> ExternalProgramOutcome = { _ in
        .failed(reason: "running external programs is not available here")
    }

    init(directory: String, readFile: @escaping (String) throws -> [UInt8], baseOptions: SieveOptions,
         mailer: any TestSuiteMailer = BasicTestSuiteMailer()) {
        self.directory = directory
        self.readFile = readFile
        self.baseOptions = baseOptions
        self.mailer = mailer
    }

    /// Puts a sent message in the outbox.
    mutating func send(_ sent: TestSuiteSentMessage) {
        outbox.append(TestSentMessage(envelopeFrom: sent.envelopeFrom, envelopeTo: sent.envelopeTo,
                                      message: Message(bytes: sent.bytes)))
    }

    /// `path` resolved against the test file's folder.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") || directory.isEmpty { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// The options a script under test compiles and runs with: the current ones
    /// without the testsuite extension.
    static func scriptOptions(_ options: SieveOptions) -> SieveOptions {
        var options = options
        options.enabledExtensions.remove(SieveCapability.testsuite.rawValue)
        return options
    }
}

/// The in-memory mail store `test_result_execute` stores into: folder name → messages.
/// `INBOX` is matched case-insensitively, like the delivery side does.
struct TestMailStore {
    struct Stored {
        var message: Message
        var flags: [String]
    }

    private(set) var folders: [String: [Stored]] = ["INBOX": []]
    /// Whether storing into a missing folder creates it (Sluice's delivery default);
    /// when false the message goes to INBOX instead. Set by `lda_mailbox_autocreate`.
    var createMissingFolders = true

    static func key(_ name: String) -> String { name.lowercased() == "inbox" ? "INBOX" : name }

    func exists(_ name: String) -> Bool { folders[Self.key(name)] != nil }

    mutating func create(_ name: String) {
        if folders[Self.key(name)] == nil { folders[Self.key(name)] = [] }
    }

    /// Stores a message; returns the folder it went to.
    @discardableResult
    mutating func store(_ message: Message, in name: String, flags: [String], create: Bool) -> String {
        var target = Self.key(name)
        if folders[target] == nil {
            if create || createMissingFolders { folders[target] = [] } else { target = "INBOX" }
        }
        folders[target, default: []].append(Stored(message: message, flags: flags))
        return target
    }

    func messages(in name: String) -> [Stored] { folders[Self.key(name)] ?? [] }
}

/// A message an executed action sent: a redirected copy or a vacation reply.
struct TestSentMessage {
    var envelopeFrom: String
    var envelopeTo: String
    var message: Message
}
