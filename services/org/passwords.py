"""Password hashing (argon2id via pwdlib) and the password policy."""
from __future__ import annotations

import unicodedata

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from services.core.errors import Invalid
from services.core.messages import t

MIN_LENGTH = 10
# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~40 ms a hash on these
# 2-core machines instead of ~500 ms with the library defaults, which log-in bursts at shift change
# would queue behind. Hashes carry their parameters, so raising them later re-verifies old ones.
_hasher = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
_COMMON = {"password", "password1", "password123", "1234567890", "qwertyuiop", "letmein123", "takt123456",
           "changeme", "changeme123", "welcome123", "administrator"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # a malformed stored hash never logs anyone in
        return False


# A real hash to verify against when the user does not exist, so timing does not reveal usernames.
DUMMY_HASH = hash_password("takt-dummy-password-for-timing")


def check_password_policy(password: str, *, username: str = "", field: str = "password") -> None:
    problem = password_problem(password, username=username)
    if problem:
        raise Invalid(t("The password is too weak."), fields={field: problem})


def password_problem(password: str, *, username: str = "") -> str | None:
    if len(password) < MIN_LENGTH:
        return t("Use at least {min_length} characters.", min_length=MIN_LENGTH)
    if len(password) > 256:
        return t("Use at most 256 characters.")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in password):
        return t("Use no control characters (tab, new line, NUL, ...).")
    if password.lower() in _COMMON:
        return t("This password is too common.")
    if username and username.lower() in password.lower():
        return t("The password must not contain the username.")
    if len(set(password)) < 5:
        return t("Use more different characters.")
    if not (any(c.isalpha() for c in password) and any(not c.isalpha() for c in password)):
        return t("Mix letters with digits or symbols.")
    return None
