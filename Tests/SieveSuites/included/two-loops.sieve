require "foreverypart";
foreverypart { foreverypart { keep; } }
