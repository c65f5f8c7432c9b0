# Announcements and reply-all storms: mail with 10 or more visible recipients.
require ["fileinto", "relational", "comparator-i;ascii-numeric"];

if address :count "ge" :comparator "i;ascii-numeric" ["To", "Cc"] "10" {
    fileinto "Mass mail";
    stop;
}

# No visible recipient at all: I was only in Bcc.
if address :count "eq" :comparator "i;ascii-numeric" ["To", "Cc"] "0" {
    fileinto "Bcc";
    stop;
}
