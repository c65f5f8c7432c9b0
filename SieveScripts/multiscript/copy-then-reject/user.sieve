require "reject";
reject "Not wanted here.";
