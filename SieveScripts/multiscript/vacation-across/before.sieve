require "vacation";
vacation "Dana is away (site notice).";
