# Sort mailing-list traffic into one folder per list: lists.<list name>.
require ["fileinto", "variables"];

# Mailman, Google Groups, GitHub, Discourse ... all send an RFC 2919 List-Id:
#   List-Id: Swift Forums <swift-users.forums.swift.org>
# ${2} is the part of the list identifier before the first dot.
if header :matches "List-Id" "*<*.*>*" {
    fileinto "lists.${2}";
    stop;
}

# ezmlm (qmail) lists announce themselves in Mailing-List: instead.
#   Mailing-List: contact qmail-help@list.cr.yp.to; run by ezmlm
if header :matches "Mailing-List" "contact *-help@*; run by ezmlm" {
    set :lower "list" "${1}";
    fileinto "lists.${list}";
    stop;
}

# Old majordomo lists: Sender: owner-<list>@host
if address :localpart :matches "Sender" "owner-*" {
    set :lower "list" "${1}";
    fileinto "lists.${list}";
    stop;
}
