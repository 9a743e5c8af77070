"""Turn what a person types into a safe SQLite FTS5 query: every word is searched literally.

Text is folded the same way when it is indexed and when it is searched: accents and other combining marks removed
in every script (SQLite's own diacritic folding covers Latin only, so 'συνταγμα' or 'ΣΥΝΤΑΓΜΑ' would not find
'Σύνταγμα'), case folded (final sigma included), compatibility forms unified.
"""

import re
import unicodedata

_WORD = re.compile(r"\w", re.UNICODE)

# The SQL name under which the store registers `fold` on every connection; the FTS trigger calls it.
FOLD_SQL_FUNCTION = "crowdops_fold"


def fold(text: str | None) -> str | None:
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


def search_words(text: str) -> tuple[str, ...]:
    """The searchable words of what was typed, folded: the same words `fts_query` searches for."""
    return tuple(w for w in (fold(text) or "").replace("\x00", " ").split() if _WORD.search(w))


def fts_query(text: str) -> str | None:
    """Each whitespace-separated word becomes a quoted prefix term, so FTS syntax ("*", NEAR(, AND, -, quotes)
    is matched as text, never interpreted. Returns None when nothing searchable is left (only punctuation)."""
    terms = []
    # FTS5 reads the query as a C string: a NUL would cut it inside a quoted term ("unterminated string").
    for word in (fold(text) or "").replace("\x00", " ").split():
        if not _WORD.search(word):
            continue
        terms.append('"' + word.replace('"', '""') + '"*')
    return " ".join(terms) if terms else None
