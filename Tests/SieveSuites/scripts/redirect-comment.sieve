if header :contains "subject" "forward" {
    redirect "Me at work (office) <me+work(desk)@example.com>";
}
