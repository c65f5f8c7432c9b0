# Sort by words in the subject, whatever charset and encoding the sender used.
require ["fileinto", "encoded-character"];

# German bank: "Überweisung" (transfer).
if header :contains "Subject" "Überweisung" {
    fileinto "Bank";
    stop;
}

# Invoices in English, German and Japanese (請求書).
if header :contains "Subject" ["invoice", "Rechnung", "請求書"] {
    fileinto "Invoices";
    stop;
}

# French summer sales, "été" written with encoded-character escapes.
if header :contains "Subject" "${hex:C3 A9}t${hex: c3 a9 }" {
    fileinto "Offers";
    stop;
}

# Parcel notifications start with the package emoji U+1F4E6.
if header :matches "Subject" "${unicode:1F4E6}*" {
    fileinto "Parcels";
    stop;
}
