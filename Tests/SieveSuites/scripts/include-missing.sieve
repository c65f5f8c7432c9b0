require "include";
include "no-such-script";
include "../escape";
