require ["foreverypart", "mime", "variables", "include"];
global "trail";
# Runs inside the includer's loops: a loop here walks the parts below the includer's part.
foreverypart {
	if header :mime :matches "X-Part" "*" { set "trail" "${trail}${1}"; }
}
