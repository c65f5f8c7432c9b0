# Forwarding rules for Ruth Adler, who keeps her own copy of everything.
require ["copy"];

# Everything from the tax adviser also goes to the assistant.
if address :is "from" "office@taxadvice.example" {
    redirect :copy "assistant@example.org";
}

# Invoices are also sent to the bookkeeping system's import address.
if header :contains "Subject" ["invoice", "Rechnung"] {
    redirect :copy "import@bookkeeping.example";
}

# Critical alerts go to the on-call pager gateway only (not kept here).
if header :is "X-Alert-Severity" "critical" {
    redirect "oncall@pager.example.net";
}
