/// A validated script in a form built for fast evaluation: command and test names,
/// tags, match types and comparators resolved; header names lowercased; strings without
/// variable references kept as ready constants; variables resolved to slots.
///
/// Compile once (per script change), run many times; it is an immutable `Sendable`
/// value that any number of runs can share.
public struct CompiledScript: Sendable {
    /// The script's name as given to the compiler (used in runtime errors).
    public let file: String?
    /// The capabilities the script requires, in the order it named them.
    public let requiredCapabilities: [String]

    let commands: [Command]
    /// Slot → variable name (lowercased), for slots named by `set`, flag commands and
    /// variable references.
    let variableNames: [String]
    /// Whether `require "imap4flags"` was given (keep/fileinto then carry the internal
    /// flag variable).
    let usesFlags: Bool
    /// Whether the script may read the message body (it has the `body` extension, by
    /// `require` or `ihave`); a script that does not sees only the header section and
    /// the size, so a delivery agent need not load the rest of a long message for it.
    /// Scripts it includes count too.
    public internal(set) var readsMessageBody: Bool
    /// Whether the script has the `date` extension (`date` without `:zone` and
    /// `currentdate` ask for the current time); a run of a script without it never
    /// asks the context for the time. Scripts it includes count too.
    var readsCurrentTime: Bool
    /// The scripts `include` commands name, compiled, by location and name: the whole
    /// include tree's, kept on the main script only (RFC 6609).
    var includedScripts: [IncludeKey: CompiledScript] = [:]
    /// Slots of the global variables the script uses (names `global.NAME`).
    var globalSlots: [Int] = []
}

/// A string argument: constant, or a template with variable references.
enum Str: Sendable, Hashable {
    case constant(String)
    case template([Piece])

    enum Piece: Sendable, Hashable {
        case text(String)
        /// A named variable's slot.
        case variable(Int)
        /// A match variable `${N}`.
        case match(Int)
        /// `${env.NAME}` (vnd.dovecot.environment): the item's name after `env.`.
        case environment(String)
    }

    var constantValue: String? {
        if case .constant(let s) = self { return s }
        return nil
    }
}

/// A string-list argument, with its values precomputed when all are constant.
struct StrList: Sendable, Hashable {
    let items: [Str]
    let constant: [String]?

    init(_ items: [Str]) {
        self.items = items
        var values: [String] = []
        values.reserveCapacity(items.count)
        for item in items {
            guard let v = item.constantValue else {
                self.constant = nil
                return
            }
            values.append(v)
        }
        self.constant = values
    }

    /// A list whose constant values went through `transform` (e.g. lowercasing header
    /// names); templates are transformed when evaluated instead.
    func mappingConstants(_ transform: (String) -> String) -> StrList {
        StrList(items.map { item in
            if case .constant(let v) = item { return .constant(transform(v)) }
            return item
        })
    }
}

/// How a test compares: match type, comparator and the keys.
struct MatchSpec: Sendable {
    let type: MatchType
    let comparator: Comparator
    let keys: StrList
    /// The keys made ready for matching when they are all constant (nil when a key holds
    /// a variable reference: those are prepared per run, after expansion).
    let prepared: PreparedKeys?

    init(type: MatchType, comparator: Comparator, keys: StrList) {
        self.type = type
        self.comparator = comparator
        self.keys = keys
        self.prepared = keys.constant.map { PreparedKeys($0, type: type, comparator: comparator) }
    }

    /// How the match type reads in Sieve, for traces.
    var typeDescription: String {
        switch type {
        case .is: return ":is"
        case .contains: return ":contains"
        case .matches: return ":matches"
        case .value(let op): return ":value \"\(op.rawValue)\""
        case .count(let op): return ":count \"\(op.rawValue)\""
        case .regex: return ":regex"
        case .list: return ":list"
        }
    }
}

struct Test: Sendable {
    let kind: Kind
    /// Lowercased test name.
    let name: String
    let location: SourceLocation

    indirect enum Kind: Sendable {
        case constant(Bool)
        case not(Test)
        case allof([Test])
        case anyof([Test])
        /// Header names lowercased when constant.
        case header(names: StrList, match: MatchSpec)
        case address(part: AddressPart, headers: StrList, match: MatchSpec)
        case envelope(part: AddressPart, parts: StrList, match: MatchSpec)
        case exists(names: StrList)
        case size(over: Bool, limit: Int)
        case string(source: StrList, match: MatchSpec)
        /// `variables` nil: the internal flag variable.
        case hasflag(variables: [Int]?, match: MatchSpec)
        /// RFC 5173 `body`.
        case body(transform: BodyTransform, match: MatchSpec)
        /// RFC 5490 §3.1: true when every named mailbox exists.
        case mailboxExists(names: StrList)
        /// A `vnd.dovecot.testsuite` test (`sieve-check test` only).
        case testSuite(TestSuiteTest)
        /// RFC 5260 `date` and `currentdate`.
        case date(DateTest)
        /// `header :index` (RFC 5260 §6); plain `header` stays `.header`.
        case indexedHeader(names: StrList, index: FieldIndex, match: MatchSpec)
        /// `address :index` (RFC 5260 §6); plain `address` stays `.address`.
        case indexedAddress(part: AddressPart, headers: StrList, index: FieldIndex, match: MatchSpec)
        /// RFC 5183 `environment`; `vendorItems`: the `vnd.dovecot.` items exist.
        case environment(name: Str, match: MatchSpec, vendorItems: Bool)
        /// RFC 5235 `spamtest` (`percent`: `spamtestplus`'s `:percent`).
        case spamtest(percent: Bool, match: MatchSpec)
        /// RFC 5235 `virustest`.
        case virustest(match: MatchSpec)
        /// `filter` or `execute` used as a test: true when the program succeeded.
        case program(ProgramCall)
        /// RFC 7352 `duplicate`.
        case duplicate(DuplicateTest)
        /// RFC 5703 §4: `header`, `address` or `exists` with `:mime`.
        case mime(MIMETest)
        /// RFC 8579 `specialuse_exists`, RFC 9042 `mailboxidexists`, RFC 5490 `metadata`,
        /// `metadataexists`, `servermetadata`, `servermetadataexists`.
        case mailboxAttribute(MailboxAttributeTest)
        /// RFC 5435 `valid_notify_method`.
        case validNotifyMethod(uris: StrList)
        /// RFC 5435 `notify_method_capability`.
        case notifyMethodCapability(uri: Str, capability: Str, match: MatchSpec)
        /// RFC 6134 `valid_ext_list`.
        case validExtList(names: StrList)
    }
}

/// A compiled command. A class, so that running a command list walks it by reference
/// instead of copying (and retaining the contents of) every command it visits.
final class Command: Sendable {
    let kind: Kind
    /// Lowercased command name.
    let name: String
    let location: SourceLocation

    init(kind: Kind, name: String, location: SourceLocation) {
        self.kind = kind
        self.name = name
        self.location = location
    }

    struct Branch: Sendable {
        let test: Test
        let block: [Command]
    }

    enum FlagOperation: Sendable {
        case set, add, remove
    }

    struct Vacation: Sendable {
        /// Seconds, already clamped to site policy.
        let seconds: Int
        let subject: Str?
        let from: Str?
        let addresses: StrList?
        let isMime: Bool
        let handle: Str?
        let reason: Str
        /// RFC 8580 `:fcc`.
        var fcc: FccCommand? = nil
    }

    enum Kind: Sendable {
        case conditional(branches: [Branch], otherwise: [Command]?)
        case stop
        case keep(flags: StrList?)
        case discard
        case fileinto(mailbox: Str, flags: StrList?, copy: Bool, create: Bool)
        /// A constant address is stored already reduced to its addr-spec.
        case redirect(address: Str, copy: Bool)
        case reject(reason: Str, extended: Bool)
        /// RFC 5463 `error`: ends the run with a runtime error carrying the message.
        case error(message: Str)
        case vacation(Vacation)
        case set(slot: Int, value: Str, modifiers: [VariableModifier])
        /// `slot` nil: the internal flag variable.
        case flags(FlagOperation, slot: Int?, flags: StrList)
        /// A `vnd.dovecot.testsuite` command (`sieve-check test` only).
        case testSuite(TestSuiteCommand)
        /// RFC 6609 `include`: runs the included script, its actions joining the result.
        case include(IncludeCommand)
        /// RFC 6609 `return`: ends the current script (the main script: as `stop`).
        case returnFromScript
        /// RFC 5293 `addheader` / `deleteheader`.
        case editHeader(HeaderEdit)
        /// `pipe`, `filter` or `execute` (vnd.dovecot.pipe, .filter, .execute).
        case program(ProgramCall)
        /// `debug_log` (vnd.dovecot.debug).
        case debugLog(message: Str)
        /// RFC 5703 §3 `foreverypart`.
        case forEveryPart(ForEveryPart)
        /// RFC 5703 §3 `break`: leaves `levels` + 1 enclosing loops (0: the innermost).
        case breakLoop(levels: Int)
        /// RFC 5703 §7 `extracttext`.
        case extractText(ExtractText)
        /// RFC 5703 §5 `replace`.
        case replace(PartReplacement)
        /// RFC 5703 §6 `enclose`.
        case enclose(Enclosure)
        /// `fileinto :specialuse` (RFC 8579) or `:mailboxid` (RFC 9042): the folder is
        /// chosen when the command runs.
        case fileintoSelecting(FileintoSelection)
        /// RFC 5435 `notify` (and the deprecated draft's, mapped onto it).
        case notify(NotifyCommand)
        /// The deprecated notify draft's `denotify`: cancels earlier notifications.
        case denotify(DenotifyCommand)
        /// `report` (vnd.dovecot.report).
        case report(ReportCommand)
    }
}
