require ["include", "variables"];
set "global.trail" "${global.trail}p";
