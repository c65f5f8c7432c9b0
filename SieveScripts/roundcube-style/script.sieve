require ["fileinto","imap4flags","copy"];
# rule:[Spam]
if header :contains "x-spam-flag" "YES"
{
	fileinto "Junk";
	stop;
}
# rule:[Family]
if anyof (header :contains "from" "@family.example", header :contains "from" "grandma")
{
	addflag "\\Flagged";
	fileinto :copy "Family";
}
# rule:[Lottery (disabled)]
if false # allof (header :contains "subject" "lottery", header :contains "from" "winner")
{
	discard;
	stop;
}
# rule:[Invoices]
if allof (header :contains "subject" "invoice", not header :contains "from" "@family.example")
{
	fileinto "Invoices";
	stop;
}
# rule:[Club]
if header :contains ["to","cc"] "members@climbing-club.example"
{
	fileinto "Club";
}
