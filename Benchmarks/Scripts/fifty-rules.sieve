# A personal filter set of 50 rules, the size a long-time user accumulates.
# The benchmark message (Messages/typical-10k.eml) passes every rule and is
# filed by the last one, so one evaluation runs all 50 tests.
require ["fileinto", "variables"];

# 1-5: spam and junk
if header :is "X-Spam-Flag" "YES" { fileinto "Junk"; stop; }
if header :matches "X-Spam-Status" "Yes,*" { fileinto "Junk"; stop; }
if header :contains "Subject" ["[SPAM]", "***SPAM***"] { fileinto "Junk"; stop; }
if address :domain :is "From" ["spammy-deals.example", "casino-offers.example", "cheap-pills.example"] { fileinto "Junk"; stop; }
if header :contains "X-Mailer" ["MassMailer", "BulkSender Pro"] { fileinto "Junk"; stop; }

# 6-10: size and automated mail
if size :over 20M { fileinto "Large"; stop; }
if header :matches "Auto-Submitted" "auto-replied*" { fileinto "Auto replies"; stop; }
if header :contains "Subject" ["Out of office", "Automatic reply", "Abwesenheitsnotiz"] { fileinto "Auto replies"; stop; }
if address :localpart :is "From" ["mailer-daemon", "postmaster"] { fileinto "Bounces"; stop; }
if header :contains "Content-Type" "multipart/report" { fileinto "Bounces"; stop; }

# 11-15: people
if address :is "From" "ceo@example.net" { fileinto "Boss"; stop; }
if address :is "From" ["mum@family.example", "dad@family.example"] { fileinto "Family"; stop; }
if address :domain :is "From" "family.example" { fileinto "Family"; stop; }
if header :contains "From" ["Lukas Meier", "Sofia Brandt"] { fileinto "Friends"; stop; }
if address :all :is ["To", "Cc"] "team-platform@example.net" { fileinto "Team"; stop; }

# 16-22: money
if header :contains "Subject" ["invoice", "Rechnung", "facture"] { fileinto "Finance.Invoices"; stop; }
if address :domain :is "From" ["stadtbank.example", "sparkasse.example", "bank.example"] { fileinto "Finance.Bank"; stop; }
if header :matches "Subject" "Your receipt from *" { fileinto "Finance.Receipts"; stop; }
if address :domain :is "From" ["paypal.example", "stripe.example"] { fileinto "Finance.Payments"; stop; }
if header :contains "Subject" ["payment received", "payment failed", "direct debit"] { fileinto "Finance.Payments"; stop; }
if address :domain :is "From" "tax-office.example" { fileinto "Finance.Tax"; stop; }
if header :is "X-Document-Type" "payslip" { fileinto "Finance.Payslips"; stop; }

# 23-30: development
if address :is "From" "notifications@github.com" { fileinto "Dev.GitHub"; stop; }
if header :is "X-GitHub-Reason" ["review_requested", "mention", "assign"] { fileinto "Dev.Review"; stop; }
if header :contains "X-GitLab-Project" ["platform", "billing"] { fileinto "Dev.GitLab"; stop; }
if header :matches "Subject" "Build * failed*" { fileinto "Dev.CI"; stop; }
if header :contains "X-Jenkins-Job" "nightly" { fileinto "Dev.CI"; stop; }
if address :domain :is "From" ["sentry.example", "pagerduty.example"] { fileinto "Dev.Alerts"; stop; }
if header :matches "Subject" "[JIRA] (*-*)*" { fileinto "Dev.Jira"; stop; }
if header :contains "List-Id" "dependabot" { fileinto "Dev.Dependencies"; stop; }

# 31-38: shopping and travel
if header :contains "Subject" ["Your order", "has shipped", "out for delivery"] { fileinto "Shopping"; stop; }
if address :domain :is "From" ["shop.example", "books.example", "electronics.example"] { fileinto "Shopping"; stop; }
if header :matches "Subject" "Booking confirmation *" { fileinto "Travel"; stop; }
if address :domain :is "From" ["airline.example", "rail.example", "hotels.example"] { fileinto "Travel"; stop; }
if header :contains "Subject" ["boarding pass", "check-in"] { fileinto "Travel"; stop; }
if header :contains "Subject" ["parcel", "Paket", "colis"] { fileinto "Parcels"; stop; }
if address :domain :is "From" ["parcel-service.example", "post.example"] { fileinto "Parcels"; stop; }
if header :is "X-Campaign-Type" "promotional" { fileinto "Offers"; stop; }

# 39-45: accounts and security
if header :contains "Subject" ["password reset", "verify your email", "sign-in attempt"] { fileinto "Accounts"; stop; }
if address :localpart :is "From" ["no-reply", "noreply", "do-not-reply"] { fileinto "Notifications"; stop; }
if header :contains "Subject" "security alert" { fileinto "Accounts"; stop; }
if address :domain :is "From" ["calendar.example", "meet.example"] { fileinto "Calendar"; stop; }
if header :contains "Content-Type" "text/calendar" { fileinto "Calendar"; stop; }
if header :matches "Subject" "Invitation: * @ *" { fileinto "Calendar"; stop; }
if header :is "Importance" "high" { fileinto "Important"; stop; }

# 46-49: newsletters without a List-Id
if header :contains "From" ["newsletter@", "news@"] { fileinto "Newsletters"; stop; }
if header :matches "Subject" "Issue #* of *" { fileinto "Newsletters"; stop; }
if header :contains "X-Newsletter" "weekly" { fileinto "Newsletters"; stop; }
if header :is "Precedence" "bulk" { fileinto "Bulk"; stop; }

# 50: mailing lists, one folder per list: lists.<list name>
if header :matches "List-Id" "*<*.*>*" {
    set :lower "list" "${2}";
    fileinto "lists.${list}";
    stop;
}
