# Quarantine prize-draw spam, however deep in the MIME structure the bait is hidden.
require ["body", "fileinto"];

# What a reader sees (body :text, the default transform) ...
if body :text :contains "jackpot" {
    fileinto "Quarantine";
    stop;
}
# ... and the decoded content of every text part.
if body :content "text" :contains "jackpot" {
    fileinto "Quarantine";
}
