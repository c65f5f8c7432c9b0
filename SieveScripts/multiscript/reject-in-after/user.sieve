require ["fileinto", "copy"];
fileinto :copy "Copied";
