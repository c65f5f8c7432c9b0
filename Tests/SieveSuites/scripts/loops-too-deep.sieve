require ["foreverypart", "include"];
# Three loops here and two in the included script: five open at once.
foreverypart { foreverypart { foreverypart { include "two-loops"; } } }
