/// Two messages are equal when their bytes are: every parsed view is derived from them.
extension Message: Hashable {
    public static func == (lhs: Message, rhs: Message) -> Bool {
        lhs === rhs || (lhs.size == rhs.size && lhs.bytes == rhs.bytes)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }
}
