/// Submits messages by running a sendmail-compatible command, the message on its standard input.
///
/// The command line is `executablePath fixedArguments... -f SENDER -- RECIPIENT...`, by default
/// `/usr/sbin/sendmail -i -f SENDER -- RECIPIENT...`. It is started directly (no shell), every
/// argument passed as its own string, so nothing in an address is ever interpreted; `--` stops
/// option parsing, so a recipient cannot pose as an option. The null sender is passed as `-f <>`,
/// which Postfix, Sendmail and Exim all read as the empty reverse-path.
///
/// Outcome: exit status 0 is success (every recipient accepted). `EX_TEMPFAIL` (75), death by a
/// signal and a timeout are transient failures; any other status is permanent, and the error
/// carries the command's standard error. A command that cannot be started is a permanent
/// failure (wrong path, not executable), except for passing conditions (`ETXTBSY` after a few
/// retries, `EAGAIN`, `ENOMEM`). A command that exits 0 without reading the whole message is a
/// transient failure. The message bytes are passed unchanged (no line-ending conversion).
///
/// - SeeAlso: sysexits.h (`EX_TEMPFAIL`), sendmail(1) / Postfix sendmail(1) for `-i`, `-f`.
public struct SendmailSubmission: MessageSubmitter {
    /// Which command to run and how long it may take.
    public struct Configuration: Sendable, Hashable {
        /// Absolute path of the command. Default `/usr/sbin/sendmail`.
        public var executablePath: String
        /// Arguments placed before `-f SENDER -- RECIPIENT...`. Default `["-i"]` (a line with a
        /// single dot does not end the message).
        public var fixedArguments: [String]
        /// Longest time the command may run, message writing included. Default 60 seconds.
        public var timeout: Duration
        /// Time between `SIGTERM` and `SIGKILL` when the timeout passes. Default 2 seconds.
        public var killGracePeriod: Duration
        /// Octets of standard error kept for the error message. Default 4096.
        public var maximumStandardErrorLength: Int

        /// Creates a configuration; every parameter has the default documented on its property.
        public init(
            executablePath: String = "/usr/sbin/sendmail", fixedArguments: [String] = ["-i"],
            timeout: Duration = .seconds(60), killGracePeriod: Duration = .seconds(2),
            maximumStandardErrorLength: Int = 4096
        ) {
            self.executablePath = executablePath
            self.fixedArguments = fixedArguments
            self.timeout = timeout
            self.killGracePeriod = killGracePeriod
            self.maximumStandardErrorLength = maximumStandardErrorLength
        }
    }

    /// `EX_TEMPFAIL` from sysexits.h: temporary failure, try again later.
    public static let exitTemporaryFailure: Int32 = 75

    /// The configuration in use.
    public let configuration: Configuration

    /// Creates a submitter running the configured command.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The arguments (after the program name) for one submission: fixed arguments, `-f`, `--`, recipients.
    public func arguments(envelopeFrom: String, recipients: [String]) -> [String] {
        configuration.fixedArguments + ["-f", envelopeFrom.isEmpty ? "<>" : envelopeFrom, "--"] + recipients
    }

    /// Runs the command once for the message; see `MessageSubmitter.submit`.
    public func submit(envelopeFrom: String, recipients: [String], message: [UInt8])
        async throws(SubmissionError) -> SubmissionReceipt
    {
        guard !recipients.isEmpty else {
            throw SubmissionError(
                stage: .envelope, code: .invalidAddress, isTransient: false,
                detail: "a submission needs at least one recipient; none was given")
        }
        _ = try EnvelopeAddress.check(envelopeFrom, as: .sender)
        for recipient in recipients { _ = try EnvelopeAddress.check(recipient, as: .recipient) }

        let command = configuration.executablePath
        let run: ChildProcess.Result
        do {
            run = try await ChildProcess.run(
                executablePath: command, arguments: arguments(envelopeFrom: envelopeFrom, recipients: recipients),
                standardInput: message, timeout: configuration.timeout,
                killGracePeriod: configuration.killGracePeriod,
                maximumStandardErrorLength: configuration.maximumStandardErrorLength)
        } catch {
            throw SubmissionError(
                stage: .command, code: .commandNotStarted, isTransient: error.isTransient,
                detail: "could not start \(command): \(error.message)")
        }
        let stderr = run.standardError.isEmpty ? nil : run.standardError
        let said = stderr.map { "; it said: \($0)" } ?? ""
        if run.cancelled {
            throw SubmissionError(
                stage: .command, code: .cancelled, isTransient: true,
                detail: "\(command) was stopped because the submission was cancelled", standardError: stderr)
        }
        if run.timedOut {
            throw SubmissionError(
                stage: .command, code: .timeout, isTransient: true,
                detail: "\(command) did not finish within \(configuration.timeout) and was killed\(said)",
                standardError: stderr)
        }
        switch run.termination {
        case .signalled(let signal):
            throw SubmissionError(
                stage: .command, code: .commandSignalled, isTransient: true,
                detail: "\(command) was killed by signal \(signal)\(said)", standardError: stderr)
        case .exited(0) where run.bytesWritten < message.count:
            throw SubmissionError(
                stage: .command, code: .commandFailed, isTransient: true,
                detail: "\(command) exited with status 0 but read only \(run.bytesWritten) of the message's \(message.count) octets\(said)",
                exitStatus: 0, standardError: stderr)
        case .exited(0):
            return SubmissionReceipt(recipients: recipients.map { RecipientOutcome(address: $0, status: .accepted) })
        case .exited(let status):
            let transient = status == Self.exitTemporaryFailure
            throw SubmissionError(
                stage: .command, code: .commandFailed, isTransient: transient,
                detail: "\(command) exited with status \(status)\(transient ? " (EX_TEMPFAIL)" : "")\(said)",
                exitStatus: status, standardError: stderr)
        }
    }
}
