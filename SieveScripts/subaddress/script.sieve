# Plus-addressing: alex+<tag>@example.net files into a folder named after the tag.
require ["fileinto", "subaddress", "variables"];

# Online shops get alex+shop@ and their mail has a fixed folder.
if address :detail :is ["To", "Cc"] "shop" {
    fileinto "shop";
    stop;
}

# Any other non-empty tag becomes a folder under "tags.", in lower case.
if address :detail :matches ["To", "Cc"] "?*" {
    set :lower "tag" "${0}";
    fileinto "tags.${tag}";
    stop;
}
