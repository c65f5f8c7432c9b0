require "vacation";
vacation "Dana is away.";
