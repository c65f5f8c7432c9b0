require "reject";
reject "Closed for the holidays.";
