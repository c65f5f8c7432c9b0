require ["fileinto", "imap4flags"];
if header :contains "subject" "invoice" {
    addflag "$Invoice";
    fileinto "Invoices";
    stop;
}
if address :domain :is "from" "lists.example.org" {
    fileinto "Lists";
}
