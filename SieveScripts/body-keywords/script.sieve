# Sort mail by what its text says, not by its headers (RFC 5173 body).
require ["body", "fileinto"];

# Phishing bait in what the reader sees, HTML included (body :text is the default).
if body :contains ["verify your account", "confirm your password"] {
    fileinto "Junk";
    stop;
}

# Invoices: the words in any text part, or a PDF attachment.
if anyof(body :text :contains ["invoice number", "Rechnungsnummer"],
         body :content "application/pdf" :contains "%PDF") {
    fileinto "Invoices";
    stop;
}

# Mail whose raw body carries a calendar invitation.
if body :raw :contains "BEGIN:VCALENDAR" {
    fileinto "Calendar";
}
