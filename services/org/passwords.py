"""Password hashing (argon2id via pwdlib) and the password policy.

The rules every password meets (at most 256 characters, no control characters, not a common one, not the
username, five different characters, letters mixed with digits or symbols) stay fixed; an organization's
log-in policy (services/org/settings.py, `PasswordPolicy`) adds its minimum length and, when it asks for them,
digits, upper- and lower-case letters, a symbol, and no part of the person's name or email address.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from services.core.errors import Invalid
from services.core.messages import t

MIN_LENGTH = 10                     # the default minimum; an organization's policy sets its own
MIN_LENGTH_BOUNDS = (8, 64)
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


@dataclass(frozen=True)
class PasswordPolicy:
    """An organization's password rules (its log-in policy), on top of the fixed ones."""
    min_length: int = MIN_LENGTH
    require_digit: bool = False         # letters and digits
    require_mixed_case: bool = False    # upper- and lower-case letters
    require_symbol: bool = False        # something neither a letter nor a digit nor a space
    refuse_personal: bool = True        # no part of the person's name or email address


DEFAULT_POLICY = PasswordPolicy()
_WORD = re.compile(r"[^\W_]+")


def check_password_policy(password: str, *, username: str = "", field: str = "password",
                          policy: PasswordPolicy = DEFAULT_POLICY, personal: tuple[str | None, ...] = ()) -> None:
    check_password_problem(password_problem(password, username=username, policy=policy, personal=personal),
                           field=field)


def check_password_problem(problem: str | None, *, field: str = "password") -> None:
    """Raise Invalid on `field` for a rule a password breaks (`password_problem`'s answer); nothing for None."""
    if problem:
        raise Invalid(t("The password is too weak."), fields={field: problem})


def password_problem(password: str, *, username: str = "", policy: PasswordPolicy = DEFAULT_POLICY,
                     personal: tuple[str | None, ...] = ()) -> str | None:
    """The first rule `password` breaks, in the person's language; None when it is good. `personal`: the person's
    name(s) and email address, refused (any part of three or more letters or digits) when the policy says so."""
    if len(password) < policy.min_length:
        return t("Use at least {min_length} characters.", min_length=policy.min_length)
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
    if policy.require_digit and not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        return t("Use both letters and digits.")
    if policy.require_mixed_case and not (any(c.isupper() for c in password) and any(c.islower() for c in password)):
        return t("Use both upper-case and lower-case letters.")
    if policy.require_symbol and not any(_is_symbol(c) for c in password):
        return t("Use at least one symbol, such as ! ? # or %.")
    if policy.refuse_personal and _contains_personal(password, personal):
        return t("The password must not contain the person's name or email address.")
    return None


def _is_symbol(c: str) -> bool:
    return not c.isalnum() and not c.isspace()


def _contains_personal(password: str, personal: tuple[str | None, ...]) -> bool:
    """True when the password holds a part of a name or of an address's local part of 4 or more letters or
    digits ("Petrova"), or the whole of one of 3 or more ("김민수", "Al Li" as "alli"); shorter words ("Sam",
    "New") are too common in good passwords to refuse."""
    folded = password.casefold()
    for text in personal:
        if not text:
            continue
        parts = [part.casefold() for part in _WORD.findall(text.split("@", 1)[0])]
        whole = "".join(parts)
        if any(len(part) >= 4 and part in folded for part in parts) or (len(whole) >= 3 and whole in folded):
            return True
    return False
