# The per-user script of the LMTP benchmarks (Benchmarks/run-sluice.sh, run-dovecot.sh):
# a typical personal filter set, written so that Sluice and Dovecot Pigeonhole run it
# alike. lmtp-load sends four kinds of message in turn; each takes a different path.
require ["fileinto", "imap4flags", "variables", "envelope"];
# Folders that do not exist yet are created on delivery: by Sluice's default
# (storage.create_missing_folders) and by lda_mailbox_autocreate in the Dovecot setup.
# (fileinto :create, RFC 5490, would say it in the script; both servers support it, but the
# script stays as it was so that figures from different commits compare.)

# Spam tagged upstream goes to Junk.
if anyof (header :is "X-Spam-Flag" "YES", header :contains "X-Spam-Level" "*****") {
    fileinto "Junk";
    stop;
}

# Senders the user never wants to see (the load never matches: nothing is discarded,
# so every accepted recipient leaves exactly one file).
if address :is "from" ["lottery@prizes.example", "noreply@phish.example"] {
    discard;
    stop;
}

# One folder per mailing list, named after the List-Id.
if header :matches "List-Id" "*<*.lists.origin.example>" {
    fileinto "Lists/${2}";
    stop;
}

# Invoices and receipts filed away.
if header :contains "Subject" ["invoice", "receipt", "order confirmation"] {
    fileinto "Receipts";
    stop;
}

# Mail from the boss is kept and flagged.
if address :is "from" "boss@origin.example" {
    addflag "\\Flagged";
}

keep;
