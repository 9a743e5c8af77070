"""Passphrase hashing with the standard library's scrypt; the hash string carries its own parameters."""

import base64
import hashlib
import hmac
import secrets

from crowdops.domain.errors import ValidationError

MIN_LENGTH = 4
# 16 MiB of memory per hash: slow for an attacker, a tenth of a second for a user.
_N, _R, _P = 2**14, 8, 1
_PREFIX = "scrypt"


def check_passphrase_rules(passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError(f"The passphrase is too short: use at least {MIN_LENGTH} characters.")


def hash_passphrase(passphrase: str) -> str:
    check_passphrase_rules(passphrase)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(passphrase.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join([_PREFIX, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def verify_passphrase(passphrase: str, stored: str) -> bool:
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
        if prefix != _PREFIX:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            passphrase.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
