#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization
import MailCore
import Maildir

/// One copy of the message to store for one recipient.
public struct CopyRequest: Sendable {
    /// Whose Maildir (path and quota).
    public var user: DeliveryUser
    /// The Sieve/IMAP mailbox name; `INBOX` is the Maildir root.
    public var mailbox: String
    /// imap4flags flags and keywords (`\Seen`, `$Label1`).
    public var flags: [String]
    /// Whether to create the folder if it is missing.
    public var create: Bool
    /// The per-recipient trace fields, put in front of the message.
    public var traceFields: [UInt8]
    /// The message as received.
    public var message: TransactionMessage
    /// Store the bytes as they are, without line-end conversion (`BODY=BINARYMIME`).
    public var keepsLineEnds: Bool
    /// The recipient's own header section when its scripts edited the message: stored
    /// in place of the received one, in front of the received body. Nil: `message` as
    /// it is.
    public var edited: EditedMessage?

    /// A copy request, fields as documented above.
    public init(user: DeliveryUser, mailbox: String, flags: [String], create: Bool,
                traceFields: [UInt8], message: TransactionMessage, keepsLineEnds: Bool = false) {
        self.user = user
        self.mailbox = mailbox
        self.flags = flags
        self.create = create
        self.traceFields = traceFields
        self.message = message
        self.keepsLineEnds = keepsLineEnds
    }
}

/// A copy safely stored (file and directory entry on disk).
public struct StoredCopy: Sendable, Hashable {
    /// The mailbox it went to, as named by the script (`INBOX` for the root).
    public var mailbox: String
    /// The file's unique name (without the `:2,` info part), usable as an id in replies.
    public var id: String
    /// The full path of the file.
    public var path: String
    /// Flags or warnings the store wants logged (ignored flags, post-store problems).
    public var warnings: [String]

    /// A stored copy, fields as documented above.
    public init(mailbox: String, id: String, path: String, warnings: [String] = []) {
        self.mailbox = mailbox
        self.id = id
        self.path = path
        self.warnings = warnings
    }
}

/// Why a copy could not be stored, classified for the reply.
public struct StoreFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure, which decides the reply and whether INBOX is tried instead.
    public enum Kind: Sendable, Hashable {
        /// Storing would exceed the user's quota: 452 4.2.2 (or 552 5.2.2).
        case quotaExceeded
        /// The file system is full: 452 4.3.1.
        case diskFull
        /// The mailbox name cannot be a folder: falls back to INBOX.
        case invalidMailbox
        /// The folder does not exist and was not to be created: falls back to INBOX.
        case mailboxMissing
        /// Any other I/O failure: falls back to INBOX for `fileinto`; 451 4.3.0 otherwise.
        case io
        /// The message itself could not be read (spool file): 451 4.3.0, no fallback.
        case messageUnreadable
    }

    /// The class of failure.
    public var kind: Kind
    /// A precise, human sentence for the log and the reply.
    public var message: String

    /// A failure of `kind` explained by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Where copies go. Calls are blocking file I/O; the agent makes them off Swift's
/// cooperative thread pool.
public protocol MailStore: Sendable {
    /// Stores one copy durably: only when this returns is the copy safe.
    func store(_ copy: CopyRequest) throws(StoreFailure) -> StoredCopy
    /// Whether `mailbox` exists for `user` (INBOX always does); for Sieve's
    /// `mailboxexists`. Unreadable states count as "does not exist".
    func mailboxExists(_ mailbox: String, user: DeliveryUser) -> Bool
    /// The user's own special-use marks, `(use, mailbox)` in the order given (default:
    /// none). For Sieve's `special-use`.
    func specialUseMarks(user: DeliveryUser) -> [(use: String, mailbox: String)]
    /// The user's mailbox whose id is `id` (default: none). For Sieve's `mailboxid`.
    func mailbox(withID id: String, user: DeliveryUser) -> String?
    /// The annotations of a mailbox by lowercased entry name (default: none). For Sieve's
    /// `mboxmetadata`.
    func metadata(of mailbox: String, user: DeliveryUser) -> [String: String]
    /// Records that `mailbox` has the special use `use` (after `fileinto :specialuse
    /// :create` created it). The default keeps no marks.
    func recordSpecialUse(_ use: String, mailbox: String, user: DeliveryUser) throws(StoreFailure)
}

/// The real store: each user's Maildir++ through the `Maildir` module.
public struct MaildirMailStore: MailStore {
    /// Site-wide Maildir settings (separator, modes, line ends).
    public let configuration: MaildirConfiguration

    /// The Maildirs already swept for stale `tmp/` files by this process.
    private let swept = SweptMaildirs()

    /// A store using `configuration` for every user's Maildir.
    public init(configuration: MaildirConfiguration = MaildirConfiguration()) {
        self.configuration = configuration
    }

    private func maildir(for user: DeliveryUser) -> MaildirStore {
        MaildirStore(root: user.maildirPath,
                     quota: MaildirQuota(bytes: user.quota.maximumBytes, messages: user.quota.maximumMessages),
                     configuration: configuration)
    }

    /// Delivers the copy durably into the user's Maildir (tmp, fsync, link, fsync dir);
    /// Maildir errors are classified as `StoreFailure`s.
    ///
    /// The first delivery to a Maildir after the process starts also removes the files an
    /// interrupted delivery left in its `tmp/` folders more than 36 hours ago (DESIGN.md's
    /// durability contract: a crash leaves either a whole message in `new/` or a leftover
    /// in `tmp/` that a later start cleans up). A failed sweep never fails the delivery.
    public func store(_ copy: CopyRequest) throws(StoreFailure) -> StoredCopy {
        let store = maildir(for: copy.user)
        if swept.claim(copy.user.maildirPath) { _ = try? store.cleanupTemporaryFiles() }
        let prefix = BytesMessageSource(copy.traceFields)
        let receipt: DeliveryReceipt
        do throws(MaildirError) {
            if let edited = copy.edited {
                receipt = try Self.deliverEdited(copy, edited: edited, traceFields: prefix, into: store)
            } else {
                switch copy.message {
                case .bytes(let bytes):
                    receipt = try store.deliver(ConcatenatedMessageSource(prefix, BytesMessageSource(bytes)),
                                                to: copy.mailbox, flags: copy.flags, createIfMissing: copy.create,
                                                keepingLineEnds: copy.keepsLineEnds)
                case .file(let path):
                    receipt = try store.deliver(ConcatenatedMessageSource(prefix, FileMessageSource(path: path)),
                                                to: copy.mailbox, flags: copy.flags, createIfMissing: copy.create,
                                                keepingLineEnds: copy.keepsLineEnds)
                case .spooled(let spooled) where PreambledSpoolSource.fits(spooled, traceFields: copy.traceFields,
                                                                           lineEnding: configuration.lineEnding):
                    receipt = try store.deliver(PreambledSpoolSource(traceFields: prefix, message: SpooledMessageSource(message: spooled)),
                                                to: copy.mailbox, flags: copy.flags, createIfMissing: copy.create,
                                                keepingLineEnds: copy.keepsLineEnds)
                case .spooled(let spooled):
                    receipt = try store.deliver(ConcatenatedMessageSource(prefix, SpooledMessageSource(message: spooled)),
                                                to: copy.mailbox, flags: copy.flags, createIfMissing: copy.create,
                                                keepingLineEnds: copy.keepsLineEnds)
                }
            }
        } catch {
            throw Self.failure(error)
        }
        let id = receipt.fileName.split(separator: ":", maxSplits: 1).first.map(String.init) ?? receipt.fileName
        return StoredCopy(mailbox: receipt.folder.isInbox ? "INBOX" : copy.mailbox, id: id, path: receipt.path,
                          warnings: receipt.ignoredFlags.map(\.description) + receipt.warnings)
    }

    /// Writes a copy the recipient's scripts edited: trace fields, the edited header
    /// section, then the received body (or the new one). It is this recipient's alone, so the spool file is
    /// never linked for it.
    private static func deliverEdited(_ copy: CopyRequest, edited: EditedMessage, traceFields: BytesMessageSource,
                                      into store: MaildirStore) throws(MaildirError) -> DeliveryReceipt {
        let head = ConcatenatedMessageSource(traceFields, BytesMessageSource(edited.headerSection))
        if let body = edited.replacedBody {
            return try store.deliver(ConcatenatedMessageSource(head, BytesMessageSource(body)), to: copy.mailbox,
                                     flags: copy.flags, createIfMissing: copy.create, keepingLineEnds: copy.keepsLineEnds)
        }
        func deliver(_ body: some Maildir.MessageSource) throws(MaildirError) -> DeliveryReceipt {
            try store.deliver(ConcatenatedMessageSource(head, MessageTail(source: body, offset: edited.bodyOffset)),
                              to: copy.mailbox, flags: copy.flags, createIfMissing: copy.create,
                              keepingLineEnds: copy.keepsLineEnds)
        }
        switch copy.message {
        case .bytes(let bytes): return try deliver(BytesMessageSource(bytes))
        case .file(let path): return try deliver(FileMessageSource(path: path))
        case .spooled(let spooled): return try deliver(ChunkedSpoolSource(message: SpooledMessageSource(message: spooled)))
        }
    }

    /// Whether the folder exists; an invalid name or an unreadable folder is `false`.
    public func mailboxExists(_ mailbox: String, user: DeliveryUser) -> Bool {
        (try? maildir(for: user).mailboxExists(mailbox)) ?? false
    }

    /// Classifies a Maildir error for the reply mapping.
    static func failure(_ error: MaildirError) -> StoreFailure {
        switch error {
        case .quotaExceeded: StoreFailure(.quotaExceeded, error.description)
        case .diskFull: StoreFailure(.diskFull, error.description)
        case .invalidMailboxName: StoreFailure(.invalidMailbox, error.description)
        case .mailboxDoesNotExist: StoreFailure(.mailboxMissing, error.description)
        case .io: StoreFailure(.io, error.description)
        case .messageSource: StoreFailure(.messageUnreadable, error.description)
        }
    }
}

/// A spooled message: copied as it is when the spool already converted its line ends to the
/// store's form (by the kernel from a spool file), else read in 64 KiB chunks and converted.
/// Reads are positional: safe while other recipients read the same spool.
///
/// The store declines the copy only after a prefix ending in a CR, which the trace fields
/// never do; converting the converted bytes again is then the same except that a CR left
/// before an LF by the first pass (from CR CR LF) is dropped by the second.
struct SpooledMessageSource: Maildir.MessageSource {
    let message: SpooledMessage
    var chunkSize = 64 * 1024

    func write(to output: inout MessageOutput) throws(MaildirError) {
        if let converted = message.converted, converted.lineEnding == output.lineEnding {
            let done = try message.withContents { contents throws(MaildirError) -> Bool in
                switch contents {
                case .memory(let bytes): try output.write(converted: bytes, as: converted)
                case .file(let descriptor, let offset): try output.copy(convertedFrom: descriptor, offset: offset, as: converted)
                }
            }
            if done { return }
        }
        try forEachChunk { (chunk: [UInt8]) throws(MaildirError) in try output.write(chunk) }
    }

    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        var offset = 0
        while offset < message.size {
            let chunk: [UInt8]
            do throws(SpoolError) {
                chunk = try message.read(offset: offset, count: chunkSize)
            } catch {
                throw .messageSource(error.description)
            }
            if chunk.isEmpty {
                throw .messageSource("the spooled message ended at octet \(offset) of \(message.size)")
            }
            try body(chunk)
            offset += chunk.count
        }
    }
}

/// A recipient's trace fields and the spooled message, when the spool file already starts
/// with exactly those fields (the LMTP server wrote them as the preamble of a transaction
/// with one recipient, and the delivery took that recipient's fields from the preamble):
/// the store links the spool file into the Maildir instead of writing a copy. Written like
/// `ConcatenatedMessageSource` when it cannot.
struct PreambledSpoolSource: Maildir.MessageSource {
    let traceFields: BytesMessageSource
    let message: SpooledMessageSource

    /// Whether `spooled`'s preamble is `traceFields` (the recipient's fields taken from
    /// that preamble, so a byte comparison; fields rendered anew for another recipient
    /// differ), in `lineEnding` form, and the two can be counted as one file (the preamble
    /// does not end in a CR).
    static func fits(_ spooled: SpooledMessage, traceFields: [UInt8], lineEnding: LineEnding) -> Bool {
        guard spooled.isLinkable, let preamble = spooled.preamble, let converted = spooled.converted,
              converted.lineEnding == lineEnding, preamble.converted.lineEnding == lineEnding,
              preamble.converted.lastByte != UInt8(ascii: "\r") else { return false }
        return traceFields == preamble.bytes
    }

    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        try traceFields.forEachChunk(body)
        try message.forEachChunk(body)
    }

    func write(to output: inout MessageOutput) throws(MaildirError) {
        try traceFields.write(to: &output)
        try message.write(to: &output)
    }

    func placeWhole(at path: String, lineEnding: LineEnding) -> WholePlacement {
        let spooled = message.message
        guard let preamble = spooled.preamble, let converted = spooled.converted,
              converted.lineEnding == lineEnding else { return .unavailable }
        let code = spooled.link(to: path)
        if code != 0 { return code == ENOTSUP ? .unavailable : .failed(errno: code) }
        var whole = LineEndingConverter(target: lineEnding)
        whole.append(preamble.converted)
        whole.append(converted)
        return .placed(whole.produced)
    }
}

/// Remembers which Maildir roots this process has swept, so each is swept once.
final class SweptMaildirs: Sendable {
    private let roots = Mutex<Set<String>>([])

    /// True the first time `root` is claimed.
    func claim(_ root: String) -> Bool {
        roots.withLock { $0.insert(root).inserted }
    }
}

/// A spooled message read in chunks only (never copied whole), for a source that drops
/// some of its bytes.
struct ChunkedSpoolSource: Maildir.MessageSource {
    let message: SpooledMessageSource

    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        try message.forEachChunk(body)
    }
}

/// What follows the first `offset` octets of `source`: the body of a message whose header
/// section a recipient's scripts replaced.
struct MessageTail<Source: Maildir.MessageSource>: Maildir.MessageSource {
    let source: Source
    let offset: Int

    func forEachChunk(_ body: ([UInt8]) throws(MaildirError) -> Void) throws(MaildirError) {
        var skipped = 0
        try source.forEachChunk { (chunk: [UInt8]) throws(MaildirError) in
            guard skipped < offset else { return try body(chunk) }
            let dropped = min(offset - skipped, chunk.count)
            skipped += dropped
            if dropped < chunk.count { try body(Array(chunk[dropped...])) }
        }
    }
}

/// A recipient's own version of the message, when its scripts changed it: a new header
/// section (editheader) in front of the body of the message as received, or of a new body
/// (a command that rewrote the whole message, such as a filter).
public struct EditedMessage: Sendable, Hashable {
    /// The edited header section, up to and including the blank line that ends it, in the
    /// line-end form the scripts saw the message in.
    public var headerSection: [UInt8]
    /// Where the body starts in the message as received (the length of its header section).
    public var bodyOffset: Int
    /// The new body when the scripts replaced it; nil: the received body, from `bodyOffset`.
    public var replacedBody: [UInt8]?

    /// An edited message, fields as documented above.
    public init(headerSection: [UInt8], bodyOffset: Int, replacedBody: [UInt8]? = nil) {
        self.headerSection = headerSection
        self.bodyOffset = bodyOffset
        self.replacedBody = replacedBody
    }

    /// What `modified` (a script run's `modifiedMessage`) changed of `original` (the
    /// message the scripts were given): its header section, and its body only when that
    /// differs.
    public init(_ modified: Message, from original: Message) {
        self.init(headerSection: Array(modified.headerSection), bodyOffset: original.bodyOffset,
                  replacedBody: modified.body == original.body ? nil : Array(modified.body))
    }
}
