# Help-desk acknowledgements for helpdesk@example.org (vacation-seconds, RFC 6131).
require ["vacation-seconds", "variables", "envelope"];

# Robots and lists never get an acknowledgement.
if anyof (header :matches "Auto-Submitted" "auto-*",
          exists "List-Id",
          header :is "Precedence" ["bulk", "list", "junk"]) {
    stop;
}

if header :matches "Subject" "*" {
    set "subject" "${1}";
}

# The old address support@legacy.example.org is retired: say so, at most once per 90 days.
if envelope :domain :is "to" "legacy.example.org" {
    vacation :seconds 7776000
             :handle "legacy-retired"
             :from "Example Help Desk <helpdesk@example.org>"
             "This address has been retired. Please write to helpdesk@example.org from now on.";
    stop;
}

# Follow-ups on an existing ticket ("[#4711]" in the subject) need no acknowledgement.
if header :matches "Subject" "*[#*]*" {
    stop;
}

# Colleagues: at most one acknowledgement an hour.
if address :domain :is "from" "example.org" {
    vacation :seconds 3600
             :handle "helpdesk-internal"
             :subject "Received: ${subject}"
             "The help desk has your request and will pick it up shortly.";
    stop;
}

# Everybody else: at most one every two days.
vacation :seconds 172800
         :handle "helpdesk-external"
         :subject "We received your request: ${subject}"
         :from "Example Help Desk <helpdesk@example.org>"
         "Thank you for contacting the Example help desk. We answer every request within one working day.";
