require "reject";
reject "No thanks.";
