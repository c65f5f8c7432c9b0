require ["include", "variables"];
global "trail";
set "trail" "${trail}T";
