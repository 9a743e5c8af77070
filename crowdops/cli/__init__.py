"""The command-line face: parses, calls services, prints. No rules live here."""
