# Out-of-office for Maria Keller, 20 May - 2 June 2024.
require ["vacation", "envelope"];

# No automatic replies to lists, bulk mail, robots or bounces (RFC 3834).
if anyof (exists "List-Id",
          exists "List-Unsubscribe",
          header :is "Precedence" ["bulk", "list", "junk"],
          header :matches "Auto-Submitted" "auto-*",
          envelope :is "from" "") {
    stop;
}

# Key accounts hear daily, and are told whom to call.
if address :domain :is "from" ["bigclient.example", "northwind.example"] {
    vacation :days 1
             :handle "key-accounts"
             :addresses ["maria.keller@example.com", "m.keller@example.com"]
             "I am out of the office until 2 June. For anything urgent about your account please call Jonas Weber on +49 30 1234567.";
    stop;
}

vacation :days 14
         :subject "Out of office until 2 June"
         :from "Maria Keller <maria.keller@example.com>"
         :addresses ["maria.keller@example.com", "m.keller@example.com"]
         text:
Hello,

I am out of the office from 20 May until 2 June and will read
my mail when I am back. For urgent matters please write to
team-sales@example.com.

Best regards,
Maria Keller
.
;
