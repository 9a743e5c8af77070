"""Bluesky record keys: TIDs (timestamp identifiers), chosen when a post is queued so that every retry writes the
same record. 64 bits — 53 of microseconds since 1970 and 10 of clock id, top bit zero — in base32-sortable."""

import secrets
from datetime import datetime

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def new_tid(at: datetime, clock_id: int | None = None) -> str:
    micros = int(at.timestamp() * 1_000_000) & ((1 << 53) - 1)
    clock = secrets.randbelow(1024) if clock_id is None else clock_id & 0x3FF
    value = (micros << 10) | clock
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_tid(value: str) -> bool:
    return len(value) == 13 and value[0] in ALPHABET[:16] and all(c in ALPHABET for c in value)
