/// Site policy for compiling and running Sieve scripts.
///
/// Every field has a sane default; a delivery agent usually builds one value at start-up
/// from its configuration and shares it (it is a plain `Sendable` value).
public struct SieveOptions: Sendable, Hashable {
    /// Bounds on one script run (actions, redirects, evaluation work, variables).
    public var limits: SieveLimits
    /// The separator between user and detail in a local part (`:user`/`:detail`). Each
    /// character is a separator on its own (`"+-"`: `+` or `-`), as in Dovecot's
    /// `recipient_delimiter`.
    ///
    /// - SeeAlso: RFC 5233 §4
    public var subaddressSeparator: String
    /// The site's minimum, default and maximum vacation response intervals.
    public var vacationPeriods: VacationPeriods
    /// The capabilities scripts may `require`. Defaults to everything this module
    /// supports; remove a name to forbid it on a site (a script requiring it then fails
    /// to compile with "unsupported extension").
    public var enabledExtensions: Set<String>
    /// Script size, nesting depth and diagnostic limits, applied when compiling.
    public var parserLimits: ParserLimits
    /// Where `spamtest` finds its score; nil: not configured (the test sees "0").
    ///
    /// - SeeAlso: RFC 5235 §3.2
    public var spamtest: ScoreTestSettings?
    /// Where `virustest` finds its score; nil: not configured (the test sees "0").
    ///
    /// - SeeAlso: RFC 5235 §3.3
    public var virustest: ScoreTestSettings?
    /// Where `vnd.dovecot.pipe`, `filter` and `execute` find their programs, and the bounds
    /// on a program run. The extensions are off until a site names a directory and enables
    /// the capability (`ExternalProgramSettings.enable(in:)`).
    public var programs: ExternalProgramSettings = ExternalProgramSettings()
    /// How long `duplicate` remembers a value.
    ///
    /// - SeeAlso: RFC 7352 §3.3
    public var duplicatePeriods = DuplicatePeriods()
    /// Which header fields scripts may not add or delete, and how long an added value
    /// may be (`editheader`).
    ///
    /// - SeeAlso: RFC 5293 §6
    public var editheader = EditheaderSettings()

    public init(limits: SieveLimits = SieveLimits(),
                subaddressSeparator: String = "+",
                vacationPeriods: VacationPeriods = VacationPeriods(),
                enabledExtensions: Set<String> = SieveOptions.supportedExtensions,
                parserLimits: ParserLimits = ParserLimits(),
                spamtest: ScoreTestSettings? = nil, virustest: ScoreTestSettings? = nil) {
        self.limits = limits
        self.subaddressSeparator = subaddressSeparator
        self.vacationPeriods = vacationPeriods
        self.enabledExtensions = enabledExtensions
        self.parserLimits = parserLimits
        self.spamtest = spamtest
        self.virustest = virustest
    }

    /// Every capability string this implementation understands.
    ///
    /// The comparator capabilities `comparator-i;octet` and `comparator-i;ascii-casemap`
    /// are accepted by `require` although those comparators are always available.
    ///
    /// - SeeAlso: RFC 5228 §2.7.3, §6
    /// `vnd.dovecot.testsuite` is not among them: it exists only for `sieve-check test`
    /// (`TestSuiteRunner` enables it), never for delivery.
    /// The external-program extensions (`vnd.dovecot.pipe`, `filter`, `execute`) are not
    /// among them either: a site enables each by configuring its program directory.
    public static let supportedExtensions: Set<String> = Set(
        SieveCapability.allCases.filter { $0 != .testsuite && !SieveCapability.externalPrograms.contains($0) }.map(\.rawValue))
}

/// Bounds on one script run. Exceeding one is a runtime error (the run then falls back
/// to the implicit keep), except `maxVariables`, `maxIncludeDepth` and `maxIncludes`,
/// which are checked when compiling.
public struct SieveLimits: Sendable, Hashable {
    /// Most actions one run may collect (after duplicates collapse). Default 32.
    public var maxActions: Int
    /// Most distinct redirect addresses per run. Default 4. Redirects are the classic
    /// loop and amplification risk, so this is deliberately small.
    ///
    /// - SeeAlso: RFC 5228 §4.2 (implementations may limit redirects)
    public var maxRedirects: Int
    /// Evaluation work bound: each command, each test and each string comparison counts
    /// one step. Default 100 000, far above what any sane script needs for one message
    /// and low enough that a hostile script cannot keep a delivery thread busy.
    public var maxEvaluationSteps: Int
    /// Most distinct variables (named by `set` or the imap4flags commands) a script may
    /// use. Default 128, the minimum RFC 5229 §6 requires implementations to support.
    public var maxVariables: Int
    /// Most bytes (UTF-8) a variable's value may hold; longer values are truncated at a
    /// character boundary. Default 4000, the RFC 5229 §6 minimum.
    public var maxVariableSize: Int
    /// Deepest chain of included scripts (checked when compiling): the main script is
    /// level 0, a script it includes level 1, and a script at this level may include no
    /// more. Default 10, as Pigeonhole's `sieve_include_max_nesting_depth`.
    ///
    /// - SeeAlso: RFC 6609 §3.2
    public var maxIncludeDepth: Int
    /// Most distinct scripts (location and name) one script's include tree may hold,
    /// the main script not counted (checked when compiling). Default 255, as
    /// Pigeonhole's `sieve_include_max_includes`.
    ///
    /// - SeeAlso: RFC 6609 §3.2
    public var maxIncludes: Int
    /// Most `notify` actions one message may trigger (after duplicates collapse);
    /// 0 forbids `notify` altogether. Default 10, as Pigeonhole's
    /// `sieve_notify_max_notifications`.
    ///
    /// - SeeAlso: RFC 5435 §3.9 (implementations may limit notifications)
    public var maxNotifications = 10

    public init(maxActions: Int = 32, maxRedirects: Int = 4, maxEvaluationSteps: Int = 100_000,
                maxVariables: Int = 128, maxVariableSize: Int = 4000, maxIncludeDepth: Int = 10, maxIncludes: Int = 255) {
        self.maxActions = maxActions
        self.maxRedirects = maxRedirects
        self.maxEvaluationSteps = maxEvaluationSteps
        self.maxVariables = maxVariables
        self.maxVariableSize = maxVariableSize
        self.maxIncludeDepth = maxIncludeDepth
        self.maxIncludes = maxIncludes
    }
}

/// The site's bounds on how often a vacation response may go to the same sender, in
/// seconds. A script's `:days`/`:seconds` value is clamped into `minimum...maximum`;
/// without either tag `standard` is used. `:seconds 0` ("respond every time") is kept
/// as 0.
///
/// - SeeAlso: RFC 5230 §4.1, RFC 6131 §2
public struct VacationPeriods: Sendable, Hashable {
    /// Default 1 day.
    public var minimum: Int
    /// Used when the script gives neither `:days` nor `:seconds`. Default 7 days.
    public var standard: Int
    /// Default 60 days.
    public var maximum: Int

    public init(minimum: Int = 86_400, standard: Int = 7 * 86_400, maximum: Int = 60 * 86_400) {
        self.minimum = minimum
        self.standard = standard
        self.maximum = maximum
    }

    /// Clamps a requested interval (seconds) into the site's bounds; 0 stays 0 only when
    /// `allowZero` (the `:seconds` form).
    func clamp(_ seconds: Int, allowZero: Bool) -> Int {
        if seconds <= 0 && allowZero { return 0 }
        return min(max(seconds, minimum), max(maximum, minimum))
    }
}

/// The capability strings this module implements.
public enum SieveCapability: String, Sendable, CaseIterable {
    case fileinto
    case reject
    case ereject
    case envelope
    case copy
    case imap4flags
    case variables
    case vacation
    case vacationSeconds = "vacation-seconds"
    case subaddress
    case relational
    case encodedCharacter = "encoded-character"
    case body
    /// RFC 5490: `fileinto :create` and the `mailboxexists` test.
    case mailbox
    case comparatorOctet = "comparator-i;octet"
    case comparatorASCIICasemap = "comparator-i;ascii-casemap"
    case comparatorASCIINumeric = "comparator-i;ascii-numeric"
    /// RFC 5051: the `i;unicode-casemap` comparator.
    case comparatorUnicodeCasemap = "comparator-i;unicode-casemap"
    /// RFC 5463: the `ihave` test and the `error` command.
    case ihave
    /// draft-ietf-sieve-regex: the `:regex` match type and `set :quoteregex`.
    case regex
    /// RFC 5260: the `date` and `currentdate` tests.
    case date
    /// RFC 5260 §6: `:index` and `:last` on `header`, `address` and `date`.
    case index
    /// Pigeonhole's test-suite language; only `TestSuiteRunner` enables it.
    case testsuite = "vnd.dovecot.testsuite"
    /// RFC 5183: the `environment` test.
    case environment
    /// Pigeonhole's extension of `environment`: the `env.` variable namespace and the
    /// `vnd.dovecot.*` items. Implies `environment`.
    case vndDovecotEnvironment = "vnd.dovecot.environment"
    /// RFC 5235: the `spamtest` test.
    case spamtest
    /// RFC 5235: `spamtest :percent`. Implies `spamtest`.
    case spamtestplus
    /// RFC 5235: the `virustest` test.
    case virustest
    /// RFC 7352: the `duplicate` test.
    case duplicate
    /// Pigeonhole's name for the draft of `duplicate`: `:value` instead of `:uniqueid`.
    /// Implies `duplicate`.
    case vndDovecotDuplicate = "vnd.dovecot.duplicate"
    /// The deprecated imapflags draft (draft-melnikov-sieve-imapflags-03): the flag
    /// commands without a variable argument, `mark`/`unmark`, mapped onto imap4flags.
    case imapflags
    /// RFC 6609: `include`, `return`, `global` and the `global.` variable namespace.
    case include
    /// RFC 5293: the `addheader` and `deleteheader` commands.
    case editheader
    /// Pigeonhole's `pipe` action: hands the message to a program of the site's pipe directory.
    case vndDovecotPipe = "vnd.dovecot.pipe"
    /// Pigeonhole's `filter`: a program of the site's filter directory rewrites the message.
    case vndDovecotFilter = "vnd.dovecot.filter"
    /// Pigeonhole's `execute`: runs a program of the site's execute directory, its output
    /// optionally into a variable.
    case vndDovecotExecute = "vnd.dovecot.execute"
    /// Pigeonhole's `debug_log` command: a line in the delivery log.
    case vndDovecotDebug = "vnd.dovecot.debug"
    /// RFC 6785: scripts an IMAP server runs when mail is moved or flagged. They compile
    /// (so operators can check them), but a run at delivery fails and keeps the message.
    case imapsieve
    /// Pigeonhole's vendor form of `imapsieve`. Implies `imapsieve`.
    case vndDovecotImapsieve = "vnd.dovecot.imapsieve"
    /// RFC 5703 §4: `:mime` and `:anychild` on `header`, `address` and `exists`.
    case mime
    /// RFC 5703 §3: the `foreverypart` loop and `break`.
    case foreverypart
    /// RFC 5703 §7: `extracttext` (needs `variables` and `foreverypart`).
    case extracttext
    /// RFC 5703 §5: `replace` (this recipient's copy).
    case replace
    /// RFC 5703 §6: `enclose` (this recipient's copy).
    case enclose
    /// RFC 8579: `fileinto :specialuse` and the `specialuse_exists` test.
    case specialUse = "special-use"
    /// RFC 9042: `fileinto :mailboxid` and the `mailboxidexists` test.
    case mailboxid
    /// RFC 5490 §3: the `metadata` and `metadataexists` tests (per-mailbox annotations).
    case mboxmetadata
    /// RFC 5490 §4: the `servermetadata` and `servermetadataexists` tests.
    case servermetadata
    /// RFC 5435: the `notify` action, the `valid_notify_method` and
    /// `notify_method_capability` tests, `set :encodeurl`; the `mailto` method (RFC 5436).
    case enotify
    /// The deprecated notify draft (draft-martin-sieve-notify-01): `notify :method`,
    /// `denotify`, mapped onto enotify (on by default, like `imapflags`; a site may remove it).
    case notify
    /// RFC 8580: `:fcc` on `vacation` and `notify`.
    case fcc
    /// RFC 6134: the `:list` match type and the `valid_ext_list` test (the site's lists).
    case extlists
    /// Pigeonhole's `report` command: an RFC 5965 abuse/feedback report about the message.
    case vndDovecotReport = "vnd.dovecot.report"
}
