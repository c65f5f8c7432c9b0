import Glibc
import Synchronization

/// Makes Maildir unique file names: `<secs>.M<usecs>P<pid>Q<counter>.<host>`.
///
/// The counter is process-wide, so two deliveries in the same microsecond still differ; the
/// host name makes names unique across machines sharing the storage. In the host name `/`
/// becomes `\057`, `:` becomes `\072` and `,` becomes `\054`, since those characters separate
/// path components, the info part and the `,S=`/`,W=` fields.
///
/// - SeeAlso: https://cr.yp.to/proto/maildir.html ("Unique names"); Dovecot's Maildir file names.
struct UniqueNameGenerator: Sendable {
    private static let counter = Atomic<UInt64>(0)

    let escapedHostname: String
    let pid: Int32
    let now: @Sendable () -> timespec

    init(hostname: String, pid: Int32 = getpid(), now: @escaping @Sendable () -> timespec = UniqueNameGenerator.realtime) {
        self.escapedHostname = Self.escape(hostname)
        self.pid = pid
        self.now = now
    }

    @Sendable static func realtime() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    static func escape(_ hostname: String) -> String {
        var result = ""
        for character in hostname.unicodeScalars {
            switch character {
            case "/": result += "\\057"
            case ":": result += "\\072"
            case ",": result += "\\054"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The next unique base name.
    func next() -> String {
        let time = now()
        let sequence = Self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        return "\(time.tv_sec).M\(time.tv_nsec / 1000)P\(pid)Q\(sequence).\(escapedHostname)"
    }
}
