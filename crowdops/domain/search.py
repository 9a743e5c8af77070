"""Turn what a person types into a safe SQLite FTS5 query: every word is searched literally."""

import re

_WORD = re.compile(r"\w", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Each whitespace-separated word becomes a quoted prefix term, so FTS syntax ("*", NEAR(, AND, -, quotes)
    is matched as text, never interpreted. Returns None when nothing searchable is left (only punctuation)."""
    terms = []
    # FTS5 reads the query as a C string: a NUL would cut it inside a quoted term ("unterminated string").
    for word in text.replace("\x00", " ").split():
        if not _WORD.search(word):
            continue
        terms.append('"' + word.replace('"', '""') + '"*')
    return " ".join(terms) if terms else None
