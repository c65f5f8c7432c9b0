require ["imap4flags", "fileinto"];
if header :contains "subject" "Test" {
    addflag "$Work";
    fileinto "Work";
}
