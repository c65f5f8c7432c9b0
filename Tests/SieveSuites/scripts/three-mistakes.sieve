require "fileinto";

# An unknown command, a tag after the arguments, a missing semicolon.
frobnicate "x";
if size 100K :over { discard; }
fileinto "Lists"
keep;
