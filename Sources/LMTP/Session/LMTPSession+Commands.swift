import MailCore
extension LMTPSession {
    /// The LHLO reply's extension lines, in this order (no DSN).
    ///
    /// - SeeAlso: RFC 2920 (PIPELINING), RFC 2034 (ENHANCEDSTATUSCODES), RFC 6152
    ///   (8BITMIME), RFC 1870 (SIZE), RFC 3030 (CHUNKING, BINARYMIME), RFC 6531 (SMTPUTF8).
    public var extensions: [String] {
        ["PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE \(configuration.maximumMessageSize)",
         "CHUNKING", "BINARYMIME", "SMTPUTF8"]
    }

    static let sequenceError = EnhancedStatusCode.invalidCommand

    mutating func handle(_ command: LMTPCommand) -> [Output] {
        switch command {
        case .lhlo(let name):
            clientName = name
            state = .ready(nil)
            return [.reply(LMTPReply(code: 250, nil, lines: [configuration.serverName] + extensions))]
        case .helo, .ehlo:
            return refuse(LMTPReply(code: 500, .invalidCommand, "this is an LMTP server: use LHLO, not \(command.verb.rawValue)"))
        case .mail(let path, let parameters): return mail(path, parameters)
        case .rcpt(let path): return rcpt(path)
        case .data: return data()
        case .bdat(let size, let last): return bdat(size: size, last: last)
        case .rset:
            if case .ready = state { state = .ready(nil) }
            return [.reply(LMTPReply(code: 250, .ok, "reset"))]
        case .noop:
            return [.reply(LMTPReply(code: 250, .ok, "OK"))]
        case .quit:
            return close(with: LMTPReply(code: 221, .closing, "\(configuration.serverName) closing connection"))
        case .vrfy:
            return [.reply(LMTPReply(code: 252, .protocolOK, "cannot verify the user, but will try delivery at RCPT"))]
        case .help:
            return [.reply(LMTPReply(code: 214, .ok, lines: [
                "commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP",
                "see RFC 2033 (LMTP) and RFC 3030 (BDAT)",
            ]))]
        }
    }

    /// The open transaction if the session is ready (LHLO seen), or the 503 to send.
    private func readyTransaction(for verb: LMTPVerb) -> Result<OpenTransaction?, LMTPReplyBox> {
        switch state {
        case .ready(let transaction): .success(transaction)
        case .awaitingLHLO:
            .failure(LMTPReplyBox(LMTPReply(code: 503, Self.sequenceError, "send LHLO before \(verb.rawValue)")))
        default:
            .failure(LMTPReplyBox(LMTPReply(code: 503, Self.sequenceError, "\(verb.rawValue) not allowed now")))
        }
    }

    // MARK: MAIL

    mutating func mail(_ path: ReversePath, _ parameters: MailParameters) -> [Output] {
        switch readyTransaction(for: .mail) {
        case .failure(let box): return refuse(box.reply)
        case .success(.some):
            return refuse(LMTPReply(code: 503, Self.sequenceError, "a transaction is already open: send RSET first"))
        case .success(.none): break
        }
        if !path.isASCII && !parameters.smtpUTF8 {
            return [.reply(LMTPReply(code: 553, .nonASCIIAddressNotPermitted, "sender \(path) has non-ASCII characters: add the SMTPUTF8 parameter"))]
        }
        if let size = parameters.size, size > configuration.maximumMessageSize {
            return [.reply(LMTPReply(code: 552, .messageTooBig, "declared size \(size) exceeds the maximum of \(configuration.maximumMessageSize) octets"))]
        }
        state = .ready(OpenTransaction(mailFrom: path, parameters: parameters))
        return [.reply(LMTPReply(code: 250, .senderOK, "sender \(path) ok"))]
    }

    // MARK: RCPT

    mutating func rcpt(_ path: MailPath) -> [Output] {
        let transaction: OpenTransaction
        switch readyTransaction(for: .rcpt) {
        case .failure(let box): return refuse(box.reply)
        case .success(.none): return refuse(LMTPReply(code: 503, Self.sequenceError, "send MAIL before RCPT"))
        case .success(.some(let open)): transaction = open
        }
        if transaction.chunking {
            return refuse(LMTPReply(code: 503, Self.sequenceError, "RCPT not allowed after BDAT: finish with BDAT LAST or RSET"))
        }
        if !path.isASCII && !transaction.parameters.smtpUTF8 {
            return [.reply(LMTPReply(code: 553, .nonASCIIAddressNotPermitted, "recipient <\(path)> has non-ASCII characters: MAIL needs the SMTPUTF8 parameter"))]
        }
        if transaction.recipients.count >= configuration.maximumRecipients {
            return [.reply(LMTPReply(code: 452, .tooManyRecipients, "too many recipients: at most \(configuration.maximumRecipients) per transaction"))]
        }
        var pending = transaction
        pending.pendingRecipient = path
        state = .checkingRecipient(pending)
        return [.checkRecipient(path)]
    }

    mutating func recipientChecked(_ verdict: RecipientVerdict, _ transaction: OpenTransaction) -> [Output] {
        var transaction = transaction
        guard let path = transaction.pendingRecipient else {
            return close(with: LMTPReply(code: 421, .temporarySystemFailure, "internal error: no recipient pending, closing connection"))
        }
        transaction.pendingRecipient = nil
        let reply: LMTPReply
        switch verdict {
        case .accept:
            transaction.recipients.append(path)
            reply = LMTPReply(code: 250, .recipientOK, "<\(path)> ok")
        case .unknownUser:
            reply = LMTPReply(code: 550, .badDestinationMailbox, "<\(path)>: no such user here")
        case .temporaryFailure(let reason):
            reply = LMTPReply(code: 451, .temporarySystemFailure, "<\(path)>: cannot check the user now: \(reason)")
        case .refuse(let given):
            reply = given.code >= 400 ? given
                : LMTPReply(code: 451, .temporarySystemFailure, "<\(path)>: the delivery agent gave no valid answer")
        }
        state = .ready(transaction)
        return [.reply(reply)]
    }

    // MARK: DATA and BDAT

    mutating func data() -> [Output] {
        let transaction: OpenTransaction
        switch readyTransaction(for: .data) {
        case .failure(let box): return refuse(box.reply)
        case .success(.none): return refuse(LMTPReply(code: 503, Self.sequenceError, "send MAIL and RCPT before DATA"))
        case .success(.some(let open)): transaction = open
        }
        if transaction.chunking {
            return refuse(LMTPReply(code: 503, Self.sequenceError, "DATA not allowed after BDAT in the same transaction"))
        }
        if transaction.parameters.body == .binaryMIME {
            return refuse(LMTPReply(code: 503, Self.sequenceError, "BODY=BINARYMIME needs BDAT, not DATA"))
        }
        if transaction.recipients.isEmpty {
            return refuse(LMTPReply(code: 503, Self.sequenceError, "no valid recipients"))
        }
        state = .receivingData(transaction)
        return [
            .reply(LMTPReply(code: 354, nil, "send the message, end with <CR><LF>.<CR><LF>")),
            .receiveData(reception(.dotTerminated, transaction, discard: false, startsMessage: true)),
        ]
    }

    /// BDAT: the chunk is always read (RFC 3030 §2: a refused chunk is still read and
    /// discarded). A refused BDAT, LAST or not, gets exactly one reply: with no accepted
    /// recipient there is no one to give per-recipient replies to, and a client waiting
    /// for a reply to its BDAT must get one, so that reply is `503 5.5.1`, as for DATA.
    mutating func bdat(size: Int, last: Bool) -> [Output] {
        func discard(_ reply: LMTPReply) -> [Output] {
            let readAndDrop = Output.receiveData(
                DataReception(
                    framing: .chunk(size: size, last: last), discard: true, startsMessage: false,
                    maximumSize: 0, rejectsNUL: false, maximumLineLength: nil))
            let refusal = refuse(reply)
            if case .closed = state { return refusal }
            return [readAndDrop] + refusal
        }
        let transaction: OpenTransaction
        switch readyTransaction(for: .bdat) {
        case .failure(let box): return discard(box.reply)
        case .success(.none): return discard(LMTPReply(code: 503, Self.sequenceError, "send MAIL and RCPT before BDAT"))
        case .success(.some(let open)): transaction = open
        }
        if transaction.recipients.isEmpty {
            return discard(LMTPReply(code: 503, Self.sequenceError, "no valid recipients"))
        }
        var chunking = transaction
        chunking.chunking = true
        state = .receivingChunk(chunking, last: last)
        return [.receiveData(reception(.chunk(size: size, last: last), chunking, discard: false, startsMessage: !transaction.chunking))]
    }

    func reception(_ framing: DataReception.Framing, _ transaction: OpenTransaction, discard: Bool, startsMessage: Bool) -> DataReception {
        DataReception(
            framing: framing, discard: discard, startsMessage: startsMessage,
            maximumSize: configuration.maximumMessageSize,
            rejectsNUL: transaction.parameters.body != .binaryMIME,
            maximumLineLength: transaction.parameters.body == .binaryMIME ? nil : configuration.maximumDataLineLength,
            isBinary: transaction.parameters.body == .binaryMIME,
            transaction: startsMessage && !discard ? .init(id: nextTransactionID, envelope: envelope(of: transaction)) : nil)
    }

    /// The id the message being received will be delivered under (`messageReceived`).
    var nextTransactionID: String { "\(connectionID).\(transactionCount + 1)" }

    func envelope(of transaction: OpenTransaction) -> Envelope {
        Envelope(mailFrom: transaction.mailFrom, parameters: transaction.parameters,
                 recipients: transaction.recipients, clientName: clientName, clientAddress: clientAddress)
    }

    mutating func messageReceived(_ outcome: DataOutcome, _ transaction: OpenTransaction) -> [Output] {
        switch outcome {
        case .failed(let failure):
            state = .ready(nil)
            return Self.postDataReplies(recipients: transaction.recipients, result: .failed(failure)).map(Output.reply)
        case .complete(let message):
            let id = nextTransactionID
            transactionCount += 1
            state = .delivering(transaction)
            return [.deliver(Transaction(id: id, envelope: envelope(of: transaction), message: message))]
        }
    }
}

/// Lets a reply travel in a `Result`'s failure side.
struct LMTPReplyBox: Error {
    let reply: LMTPReply
    init(_ reply: LMTPReply) { self.reply = reply }
}
