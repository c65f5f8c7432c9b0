# Gmail-style labels: one message may be filed into several folders and still stay in INBOX.
require ["fileinto", "copy"];

if address :domain :is ["from", "to", "cc"] "acme.example" {
    fileinto :copy "Clients.Acme";
}

if header :contains "Subject" ["invoice", "payment"] {
    fileinto :copy "Finance";
}

# Acme's billing department always goes to Finance too (often a second time).
if address :is "from" "billing@acme.example" {
    fileinto :copy "Finance";
}

# Urgent mail leaves INBOX: it is filed only into Urgent.
if header :contains "Subject" "[urgent]" {
    fileinto "Urgent";
}
if header :is "Importance" "high" {
    fileinto "Urgent";
}
