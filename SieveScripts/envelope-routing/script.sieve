# Routing on the SMTP envelope for sam@example.com, who also receives the help-desk alias
# and uses plus-addresses.
require ["envelope", "subaddress", "fileinto", "variables"];

# Bounces and delivery reports arrive with a null reverse-path (MAIL FROM:<>).
if envelope :is "from" "" {
    fileinto "Bounces";
    stop;
}

# support@helpdesk.example.com is an alias delivered to this mailbox.
if envelope :domain :is "to" "helpdesk.example.com" {
    fileinto "Support";
    stop;
}

# sam+invoices@, sam+invoices-2024@ ... go to Accounting.
if envelope :detail :matches "to" "invoices*" {
    fileinto "Accounting";
    stop;
}

# Any other tag: Tags.<tag>.
if envelope :detail :matches "to" "?*" {
    set :lower "tag" "${0}";
    fileinto "Tags.${tag}";
    stop;
}

# Mail sent by machines in our own subdomains: Internal.<host part>.
if envelope :domain :matches "from" "*.example.com" {
    set :lower "host" "${1}";
    fileinto "Internal.${host}";
}
