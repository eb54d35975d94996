"""A tiny translation catalog written to a temporary directory, for tests that must see a language change
whether or not the real catalogs translate the message yet (rxapp/i18n.py reads TAKT_LOCALE_PATH first)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po


def write_catalog(root: Path, lang: str, messages: dict[str, str]) -> Path:
    """`root/<lang>/LC_MESSAGES/takt.po` holding `messages` (English id -> text); answers `root`."""
    po = Catalog(locale=lang, domain="takt")
    for msgid, text in messages.items():
        po.add(msgid, text)
    folder = root / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "takt.po", "wb") as f:
        write_po(f, po)
    return root


# The browser tests' server reads this catalog first (tests/e2e/conftest.py), so a language switch shows
# known Japanese whether or not the real catalog has landed.
E2E_JA = {"Home": "ホーム", "Account": "アカウント", "Change password": "パスワードの変更",
          "Current password": "現在のパスワード", "Language": "言語",
          "Your log-in, password and two-factor log-in.": "ログイン、パスワード、二段階認証"}
