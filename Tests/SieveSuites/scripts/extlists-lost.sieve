require "extlists";
if address :list "from" ":addrbook:lost" { discard; }
