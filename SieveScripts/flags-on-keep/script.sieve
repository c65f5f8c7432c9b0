# IMAP flags and Thunderbird labels set at delivery (imap4flags, RFC 5232).
require ["imap4flags", "fileinto"];

# Everything from the CEO is flagged; it stays in INBOX through the implicit keep.
if address :is "from" "ceo@example.com" {
    addflag "\\Flagged";
}

# Thunderbird's "Important" label for anything about an outage or incident.
if header :contains "Subject" ["outage", "incident"] {
    addflag ["$label1", "\\Flagged"];
}

# Jenkins notifications: file them away as read, whatever was set above.
if exists "X-Jenkins-Job" {
    setflag "\\Seen";
    fileinto "CI";
    stop;
}

# Shop receipts: kept in INBOX with exactly these flags ("Personal" label, read).
if header :contains "Subject" "receipt" {
    keep :flags ["$label3", "\\Seen"];
    stop;
}

# Newsletters stay in INBOX but are marked read and not junk.
if exists "List-Unsubscribe" {
    addflag "$NotJunk \\Seen";
}

# "[FYI]" mail never needs the red flag.
if header :contains "Subject" "[FYI]" {
    removeflag "\\Flagged";
}
