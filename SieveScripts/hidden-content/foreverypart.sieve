# The same quarantine, part by part (RFC 5703): the text of every part, the raw rest
# past the MIME parser's limits included.
require ["foreverypart", "extracttext", "variables", "fileinto"];

foreverypart {
    extracttext "text";
    if string :contains "${text}" "jackpot" {
        fileinto "Quarantine";
        break;
    }
}
