import MailCore

extension Run {
    /// `notify`: builds the action, parsing the URI now when it holds variables (an
    /// invalid one is a runtime error: RFC 5435 §3.1).
    ///
    /// - SeeAlso: RFC 5435 §3, RFC 5436 §2
    mutating func executeNotify(_ command: NotifyCommand, at location: SourceLocation) throws(Failure) {
        let action: NotifyAction
        if let id = command.id {
            action = try draftNotifyAction(command, id: expand(id), at: location)
        } else {
            let method = expand(command.method)
            let uri: MailtoURI
            if let constant = command.constantURI {
                uri = constant
            } else {
                switch NotifyURI.parse(method) {
                case .success(let parsed): uri = parsed
                case .failure(let problem): throw Failure(message: "notify method \(quoted(method)): \(problem.message)", location: location)
                }
            }
            var from: String?
            if let fromString = command.from {
                let text = expand(fromString)
                if case .template = fromString, MailboxSyntax.mailbox(in: text) == nil {
                    throw Failure(message: "notify :from \(quoted(text)) is not a valid address", location: location)
                }
                from = text
            }
            var options: [String] = []
            if let list = command.options {
                options = expand(list)
                if let bad = options.first(where: { !NotifyURI.isValidOption($0) }) {
                    throw Failure(message: "notify :options item \(quoted(bad)) is not of the form name=value", location: location)
                }
            }
            action = NotifyAction(method: method, recipients: uri.recipients, headers: uri.headers, uriSubject: uri.subject,
                                  body: uri.body, from: from, importance: command.importance, options: options,
                                  message: command.message.map { expand($0) },
                                  fcc: try command.fcc.map { fcc throws(Failure) in try fccTarget(fcc, at: location) })
            for warning in uri.warnings {
                nonFatalErrors.append(SieveRuntimeError("notify: \(warning)", at: location, file: script.file))
            }
        }
        try add(.notify(action), at: location)
    }

    /// RFC 8580 `:fcc` resolved: the folder name expanded (an empty one is a runtime
    /// error), the flags (`:flags`, else none).
    func fccTarget(_ fcc: FccCommand, at location: SourceLocation) throws(Failure) -> FccTarget {
        let mailbox = expand(fcc.mailbox)
        guard !mailbox.isEmpty else {
            throw Failure(message: ":fcc folder name is empty (after variable expansion)", location: location)
        }
        return FccTarget(mailbox: mailbox, flags: fcc.flags.map { FlagList.flags(in: expand($0)) } ?? [], create: fcc.create)
    }

    /// The deprecated draft's notify as an enotify action: `:options` are the recipients,
    /// the message (its `$...$` items filled in) the body.
    private func draftNotifyAction(_ command: NotifyCommand, id: String, at location: SourceLocation) throws(Failure) -> NotifyAction {
        var recipients: [NotifyRecipient] = []
        for text in command.options.map({ expand($0) }) ?? [] {
            guard let mailbox = MailboxSyntax.mailbox(in: text), let address = AddressParser.parseEnvelopePath(mailbox) else {
                throw Failure(message: "notify :options address \(quoted(text)) is not a valid address", location: location)
            }
            let recipient = NotifyRecipient(address: address, isCarbonCopy: false)
            if !recipients.contains(where: { $0.key.lowercased() == recipient.key.lowercased() }) { recipients.append(recipient) }
        }
        let body = draftMessage(expand(command.message ?? .constant(DraftNotify.defaultMessage)))
        return NotifyAction(method: "mailto:" + recipients.map(\.address.addrSpec).joined(separator: ","), recipients: recipients,
                            uriSubject: DraftNotify.subject, body: body, importance: command.importance, id: id)
    }

    /// Replaces the draft's `$from$`, `$env-from$`, `$subject$` and `$text$`/`$text[N]$`
    /// (the first N characters of the message's text, 256 by default).
    private func draftMessage(_ template: String) -> String {
        func header(_ name: String) -> String { message.fields(named: name).first?.value ?? "" }
        var out = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[dollar...]
            let lower = rest.lowercased()
            if lower.hasPrefix("$from$") {
                out += header("from")
                rest = rest.dropFirst(6)
            } else if lower.hasPrefix("$env-from$") {
                out += envelope.from
                rest = rest.dropFirst(10)
            } else if lower.hasPrefix("$subject$") {
                out += header("subject")
                rest = rest.dropFirst(9)
            } else if lower.hasPrefix("$text$") || lower.hasPrefix("$text[") {
                var limit = 256
                var length = 6
                if lower.hasPrefix("$text["), let close = lower.firstIndex(of: "]"),
                   let number = Int(lower[lower.index(lower.startIndex, offsetBy: 6)..<close]),
                   lower[close...].hasPrefix("]$") {
                    limit = number
                    length = lower.distance(from: lower.startIndex, to: close) + 2
                } else if !lower.hasPrefix("$text$") {
                    out += "$"
                    rest = rest.dropFirst()
                    continue
                }
                out += String(decoding: message.bytes[message.bodyOffset...].prefix(limit * 4), as: UTF8.self).prefix(limit)
                rest = rest.dropFirst(length)
            } else {
                out += "$"
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }

    /// The draft's `denotify`: cancels the notifications whose `:id` matches (all when
    /// no id is given) and, with an importance tag, only those of that importance.
    mutating func executeDenotify(_ command: DenotifyCommand, at location: SourceLocation) throws(Failure) {
        var cancelled: [NotifyAction] = []
        for notification in result.notifications {
            if let importance = command.importance, notification.importance != importance { continue }
            if let match = command.id {
                var trace: TraceComparison?
                guard try compare([notification.id ?? ""], match, at: location, trace: &trace) else { continue }
            }
            cancelled.append(notification)
        }
        result.cancelNotifications { cancelled.contains($0) }
    }
}
