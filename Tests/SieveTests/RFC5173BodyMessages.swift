import MailCore

/// Messages for the RFC 5173 `body` tests: CRLF line ends, one MIME shape each.
enum BodyMessages {
    static func lines(_ lines: [String]) -> Message { Message(lines.joined(separator: "\r\n") + "\r\n") }

    /// multipart/alternative: a quoted-printable ISO-8859-1 plain part and a base64 UTF-8
    /// HTML part, with a preamble and an epilogue.
    static let alternative = lines([
        "From: shop@example.com",
        "To: jan@example.net",
        "Subject: Your order",
        "MIME-Version: 1.0",
        "Content-Type: multipart/alternative; boundary=\"ALT\"",
        "",
        "This is the preamble, MIME readers hide it.",
        "--ALT",
        "Content-Type: text/plain; charset=ISO-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=FC=DFe! Your order ships tomorrow.",
        "--ALT",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
        "",
        // <html><head><style>p{color:red}</style></head><body><p>Your <b>order</b> &amp; invoice: caf\u{e9}</p></body></html>
        "PGh0bWw+PGhlYWQ+PHN0eWxlPnB7Y29sb3I6cmVkfTwvc3R5bGU+PC9oZWFkPjxib2R5PjxwPllv",
        "dXIgPGI+b3JkZXI8L2I+ICZhbXA7IGludm9pY2U6IGNhZsOpPC9wPjwvYm9keT48L2h0bWw+",
        "--ALT--",
        "Epilogue text after the close delimiter.",
    ])

    /// An HTML-only message, 8bit UTF-8, with a comment and a script.
    static let htmlOnly = lines([
        "From: news@example.com",
        "Subject: Newsletter",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "<html><head><title>Hidden title</title><script>var unsubscribe = 1;</script></head>",
        "<body><!-- tracking pixel --><p>Big&nbsp;SALE on <i>Stra\u{df}enschuhe</i> today</p></body></html>",
    ])

    /// multipart/mixed holding a multipart/alternative, a PNG and a forwarded message.
    static let nested = lines([
        "From: boss@example.com",
        "Subject: Fwd: figures",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"OUTER\"",
        "",
        "--OUTER",
        "Content-Type: multipart/alternative; boundary=\"INNER\"",
        "",
        "--INNER",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "See the attached figures.",
        "--INNER",
        "Content-Type: text/html; charset=us-ascii",
        "",
        "<p>See the <b>attached</b> figures.</p>",
        "--INNER--",
        "--OUTER",
        "Content-Type: image/png; name=\"chart.png\"",
        "Content-Transfer-Encoding: base64",
        "",
        "iVBORw0KGgpjaGFydC1kYXRh",
        "--OUTER",
        "Content-Type: message/rfc822",
        "",
        "From: cfo@example.com",
        "Subject: Quarterly numbers",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Revenue is up 12 =E2=82=AC million.",
        "--OUTER--",
    ])

    /// A plain text/plain message without MIME headers.
    static let plain = lines([
        "From: friend@example.org",
        "Subject: Lunch?",
        "",
        "Are you free for lunch on Friday?",
        "Cheers",
    ])
}
