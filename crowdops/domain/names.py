"""When two names of people or operations are the same name: case does not matter, in any script; accents do."""

import unicodedata


def name_key(name: str) -> str:
    """Unicode's canonical caseless form: 'ΕΛΈΝΗ' and 'Ελένη' give one key, 'Elena' and 'Eléna' two.

    SQLite's NOCASE folds ASCII only. NFD on both sides of casefold also makes a name typed with combining
    accents equal to the same name typed precomposed."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())
