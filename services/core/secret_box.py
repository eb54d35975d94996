"""Secrets kept at rest (the authenticator secrets of two-factor log-in) encrypted with the application key.

Fernet (`cryptography`): AES-128-CBC with an HMAC-SHA256, so a changed or foreign token is refused, never
decrypted into something else. The application key comes from:
- `TAKT_SECRET_KEY`: a Fernet key (44 url-safe base64 characters; `takt new-secret-key` prints one). Several
  keys separated by commas rotate: the first encrypts, each of them decrypts. Every node of a deployment
  needs the same key.
- Unset, for development and the demo only: a key generated once into the data directory (`data/secret.key`,
  mode 0600) and read from there afterwards. On PostgreSQL outside demo mode (TAKT_DEMO=1) an unset key is
  refused: there several nodes share the database and each would make a key of its own.

A stored secret that the key cannot open (another key, a changed row) raises `SecretKeyMismatch`, which
says so in words; nothing falls back to a plaintext reading. Nothing here touches the database.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from services.core.errors import Unavailable
from services.core.messages import t

KEY_ENV = "TAKT_SECRET_KEY"
KEY_FILE_NAME = "secret.key"
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"


class SecretKeyMissing(Unavailable):
    code = "secret_key_missing"


class SecretKeyMismatch(Unavailable):
    code = "secret_key_mismatch"


def encrypt(text: str) -> str:
    return _box().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _box().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SecretKeyMismatch(t(
            "A stored secret cannot be read with this server's {key}: it was encrypted with another key. Set {key} "
            "to the key it was stored with (docs/deployment.md), or reset the person's two-factor log-in.",
            key=KEY_ENV)) from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def key_file(data_dir: Path | None = None) -> Path:
    return (data_dir or DATA_DIR) / KEY_FILE_NAME


def _box() -> MultiFernet:
    keys = [k.strip() for k in os.environ.get(KEY_ENV, "").split(",") if k.strip()]
    if not keys:
        keys = [_generated_key()]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError:
        raise SecretKeyMissing(t("{key} is not a Fernet key: it must be 32 bytes in url-safe base64 (44 characters); "
                                 "make one with `takt new-secret-key`.", key=KEY_ENV)) from None


def _generated_key() -> str:
    """The development key in the data directory, made (mode 0600) on first use."""
    if _shared_database() and os.environ.get("TAKT_DEMO") != "1":
        raise SecretKeyMissing(t("Set {key} (the same on every node) before two-factor log-in is used with "
                                 "PostgreSQL: see docs/deployment.md.", key=KEY_ENV))
    path = key_file()
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{KEY_FILE_NAME}.{secrets.token_hex(6)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(new_key() + "\n")
    try:
        os.link(draft, path)                 # whole or not at all; another worker's key, made first, wins
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="ascii").strip()


def _shared_database() -> bool:
    return os.environ.get("DATABASE_URL", "").strip().startswith("postgres")

