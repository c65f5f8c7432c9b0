require ["fileinto", "mailbox"];
if mailboxexists "Receipts" { fileinto "Receipts"; }
