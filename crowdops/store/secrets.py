"""The one way to secrets: the operating system's keyring. Never the database, logs or exports.

When no usable keyring exists (a headless machine without a Secret Service, say), the app says so and stops:
it never falls back to keeping a secret in plain text.
"""

import base64
import os
import secrets as token_source

import keyring
from keyring.errors import KeyringError, NoKeyringError

from crowdops.domain.errors import CrowdOpsError

SERVICE = "CrowdOps"


class SecretStoreError(CrowdOpsError):
    """The keyring cannot be used; the message says what to do."""


def _unusable(error: Exception) -> SecretStoreError:
    return SecretStoreError(
        "The system keyring is not available, and CrowdOps keeps its keys nowhere else "
        f"({error.__class__.__name__}). Unlock or install a keyring (on Linux: a Secret Service such as "
        "GNOME Keyring or KWallet) and try again."
    )


# keyring picks the best backend it finds; below this priority that is a plain file or nothing at all (e.g. when
# keyrings.alt happens to be installed), which CrowdOps does not accept unless an administrator chose it by name.
SECURE_PRIORITY = 1
CHOSEN_BACKEND_ENV = "PYTHON_KEYRING_BACKEND"


def secure_keyring_available() -> bool:
    if os.environ.get(CHOSEN_BACKEND_ENV):
        return True
    try:
        return float(keyring.get_keyring().priority) >= SECURE_PRIORITY
    except Exception:
        return False


def _require_keyring() -> None:
    if not secure_keyring_available():
        backend = keyring.get_keyring()
        raise SecretStoreError(
            "No secure system keyring is available (only "
            f"{backend.__class__.__module__}.{backend.__class__.__name__}), and CrowdOps keeps its keys nowhere else. "
            "Unlock or install a keyring (on Linux: a Secret Service such as GNOME Keyring or KWallet) and try again."
        )


def get_secret(name: str) -> str | None:
    _require_keyring()
    try:
        return keyring.get_password(SERVICE, name)
    except (KeyringError, NoKeyringError, RuntimeError) as error:
        raise _unusable(error) from None


def set_secret(name: str, value: str) -> None:
    _require_keyring()
    try:
        keyring.set_password(SERVICE, name, value)
    except (KeyringError, NoKeyringError, RuntimeError) as error:
        raise _unusable(error) from None


def get_or_create_key(name: str, size: int = 32) -> bytes:
    """A random key kept in the keyring under `name`, made on first use."""
    stored = get_secret(name)
    if stored is None:
        stored = base64.b64encode(token_source.token_bytes(size)).decode("ascii")
        set_secret(name, stored)
        if get_secret(name) != stored:  # some backends accept a write and drop it
            raise SecretStoreError("The system keyring did not keep a new key; check that it is unlocked.")
    return base64.b64decode(stored)
