# Personal blocklist: mail from these domains and addresses is dropped without a trace.
require ["fileinto"];

if address :domain :is "from" ["spammy-deals.example", "casino-offers.example", "cheap-pills.example"] {
    discard;
    stop;
}

if address :is "from" ["ex@old-partner.example", "noreply@marketing.example"] {
    discard;
    stop;
}

# Offers from everyone else are kept, in their own folder.
if header :contains "Subject" ["offer", "discount", "sale"] {
    fileinto "Offers";
}
