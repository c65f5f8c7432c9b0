require "fileinto";
if header :contains "subject" "offer" { stop; }
fileinto "Never";
