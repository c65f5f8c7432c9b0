# Règles écrites par un éditeur en Latin-1
require ["fileinto"];

# Disabled by the filter editor: this server has no "vnd.example.archive".
if false {
    vnd_example_archive "2019";
    fileinto "Archive";
}
if allof (false, header :contains "subject" "sale") {
    discard;
}
keep;
