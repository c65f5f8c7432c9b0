require ["include", "fileinto"];
include "file-lists";
include :optional "no-such-script";
fileinto "Main";
