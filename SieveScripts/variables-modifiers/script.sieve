# Folder names built from message content with variables (RFC 5229).
require ["variables", "fileinto", "relational", "comparator-i;ascii-numeric"];

# Tracker mail "[ACME-1234] ..." goes to Projects.<Project>, name normalised to "Acme".
if header :matches "Subject" "[*-*] *" {
    set :lower :upperfirst "project" "${1}";
    if string :is "${project}" ["Acme", "Globex", "Initech"] {
        fileinto "Projects.${project}";
        stop;
    }
}

# The auditor's monthly reports: "Monthly report apr-2024" -> Reports.APR-2024
if header :matches "Subject" "Monthly report *" {
    set :upper "month" "${1}";
    fileinto "Reports.${month}";
    stop;
}

# Very long subjects (more than 80 characters) are usually machine-made.
if header :matches "Subject" "*" {
    set :length "length" "${1}";
    if string :value "gt" :comparator "i;ascii-numeric" "${length}" "80" {
        fileinto "Long subjects";
        stop;
    }
}

# Family mail goes to Family.<Name>, from the sender's local part.
if address :domain :is "from" "family.example" {
    if address :localpart :matches "from" "*" {
        set :lower :upperfirst "who" "${1}";
        fileinto "Family.${who}";
        stop;
    }
}
