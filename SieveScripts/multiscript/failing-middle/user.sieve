require ["ihave", "fileinto"];
fileinto "Work";
error "the user script gave up";
