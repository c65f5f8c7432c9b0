extension Validator {
    /// Compiles `body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list>`.
    ///
    /// - SeeAlso: RFC 5173 §4 (syntax), §5 (transforms; `:text` is the default)
    mutating func compileBody(_ node: TestNode, location: SourceLocation) -> Test? {
        let transforms = [
            TagSpec("raw", group: "body transform"),
            TagSpec("content", .stringList, group: "body transform"),
            TagSpec("text", group: "body transform"),
        ]
        guard let read = readArguments(node.arguments, of: "test", named: "body", at: location,
                                       tags: TagSpec.matchTypes + TagSpec.comparator + transforms,
                                       positionals: [PositionalSpec(role: "key list", kind: .stringList)]),
              let match = matchSpec(read, keys: read.positionals[0])
        else { return nil }
        var transform = BodyTransform.text
        if read.has("raw") {
            transform = .raw
        } else if let types = read.tags["content"]?.parameter {
            transform = .content(compileStringList(types))
        }
        return Test(kind: .body(transform: transform, match: match), name: "body", location: location)
    }
}
