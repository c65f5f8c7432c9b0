# Site-wide spam handling after SpamAssassin / rspamd have scored the message.
require ["fileinto", "imap4flags", "relational", "comparator-i;ascii-numeric"];

# i;ascii-numeric reads only the leading digits ("7.3" is 7) and treats a value
# that does not start with a digit as positive infinity, so negative scores
# such as "-1.5" must be ruled out before any numeric comparison.

# Almost certainly spam: file it as already read so it does not distract.
if allof (not header :matches "X-Spam-Score" "-*",
          header :value "ge" :comparator "i;ascii-numeric" "X-Spam-Score" "15") {
    fileinto :flags "\\Seen" "Junk";
    stop;
}

# Probably spam: the scanner's verdict, or a score of 5 or more.
if anyof (header :is "X-Spam-Flag" "YES",
          allof (not header :matches "X-Spam-Score" "-*",
                 header :value "ge" :comparator "i;ascii-numeric" "X-Spam-Score" "5")) {
    fileinto "Junk";
    stop;
}
