"""Password hashing and the password policy (services/org/passwords.py)."""
from __future__ import annotations

import pytest

from services.core.errors import Invalid
from services.org import passwords


def test_hash_is_argon2id_salted_and_verifies_only_the_same_password():
    first, second = passwords.hash_password("Correct-horse-42"), passwords.hash_password("Correct-horse-42")

    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second                                   # a fresh salt each time
    assert passwords.verify_password("Correct-horse-42", first)
    assert not passwords.verify_password("correct-horse-42", first)
    assert not passwords.verify_password("", first)


@pytest.mark.parametrize("stored", ["", "plain-text", "$argon2id$v=19$broken", "$2b$12$notreallybcrypt"])
def test_a_malformed_stored_hash_never_verifies(stored):
    assert passwords.verify_password("anything-at-all-1", stored) is False


def test_the_dummy_hash_is_real_and_matches_no_ordinary_password():
    assert passwords.DUMMY_HASH.startswith("$argon2id$")
    assert not passwords.verify_password("Correct-horse-42", passwords.DUMMY_HASH)


@pytest.mark.parametrize("password, username, problem", [
    ("", "", "Use at least 10 characters."),
    ("Abc-12345", "", "Use at least 10 characters."),
    ("A1-" + "x" * 254, "", "Use at most 256 characters."),
    ("Password123", "", "This password is too common."),
    ("CHANGEME123", "", "This password is too common."),
    ("my-Olga.Ops-2026", "olga.ops", "The password must not contain the username."),
    ("ababababab12", "", "Use more different characters."),
    ("onlyletterswithoutdigits", "", "Mix letters with digits or symbols."),
    ("1234567890-+", "", "Mix letters with digits or symbols."),
])
def test_policy_names_the_problem(password, username, problem):
    assert passwords.password_problem(password, username=username) == problem
    with pytest.raises(Invalid) as refused:
        passwords.check_password_policy(password, username=username, field="new_password")
    assert refused.value.message == "The password is too weak."
    assert refused.value.fields == {"new_password": problem}


@pytest.mark.parametrize("password", ["Correct-horse-42", "zebra crossing 9", "Ä" * 4 + "bcdef-1", "Ab1-" + "x" * 252])
def test_policy_accepts_reasonable_passwords(password):
    assert passwords.password_problem(password, username="olga.ops") is None
    passwords.check_password_policy(password, username="olga.ops")
