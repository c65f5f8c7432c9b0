require ["fileinto", "copy"];
fileinto :copy "Work";
