require ["regex", "comparator-i;ascii-numeric"];
if header :regex :comparator "i;ascii-numeric" "subject" "1" { keep; }
if header :regex "subject" "?ote" { keep; }
if header :regex "subject" "(note" { keep; }
