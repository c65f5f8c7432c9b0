# tickets@example.com feeds the ticket system, which takes at most 100 KB per message.
require ["reject", "fileinto"];

if size :over 100K {
    reject "Your message is larger than 100 KB and was not accepted by tickets@example.com. Please upload screenshots and log files at https://support.example.com/upload and mention your ticket number.";
    stop;
}

# Nearly empty messages are usually broken auto-replies; keep them apart.
if size :under 300 {
    fileinto "Tickets.Empty";
    stop;
}

fileinto "Tickets";
