"""One module per platform behind one `Publisher` protocol. Imports only the domain: no database, no Qt."""
