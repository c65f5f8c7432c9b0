require ["include", "variables"];
global "trail";
set "trail" "${trail}R";
if true { return; }
set "trail" "${trail}X";
