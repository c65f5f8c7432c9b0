redirect "dana@elsewhere.example";
keep;
