require "fileinto";
fileinto "After";
