# Only our own domain and the print shop may send files over 120 KB to orders@.
# Everybody else is refused during the LMTP/SMTP dialogue where possible (ereject).
require ["ereject", "envelope", "fileinto"];

if allof (size :over 120K,
          not envelope :domain :is "from" ["example.com", "printshop.example"]) {
    ereject "Messages over 120 KB are accepted only from example.com and printshop.example. Please use https://upload.example.com instead.";
    stop;
}

if size :over 120K {
    fileinto "Large files";
}
