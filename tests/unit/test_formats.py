"""Local formats per language: money in its currency's places (none for KRW and JPY), numbers, dates and
times in the plant's zone, and the first day of the week."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from services.core import formats
from services.core.languages import use_language

AT = datetime(2026, 3, 2, 8, 5, tzinfo=UTC)


@pytest.mark.parametrize("lang, jpy, krw, eur", [
    ("en", "¥1,234,568", "₩12,000", "€1,234.50"),
    ("ja", "￥1,234,568", "₩12,000", "€1,234.50"),
    ("ko", "JP¥1,234,568", "₩12,000", "€1,234.50"),
])
def test_money_has_its_currencys_places(lang, jpy, krw, eur):
    assert formats.money(Decimal("1234567.5"), "JPY", lang) == jpy
    assert formats.money(Decimal("12000.4"), "krw", lang) == krw
    assert formats.money(Decimal("1234.5"), "EUR", lang) == eur
    assert formats.money(None, "EUR", lang) == ""


def test_amounts_and_numbers():
    assert formats.amount(Decimal("1234.5"), "KRW", "ko") == "1,235"
    assert formats.amount(Decimal("1234.5"), "EUR", "ja") == "1,234.50"
    assert formats.amount(Decimal("1200")) == "1,200" and formats.amount(Decimal("0.5")) == "0.50"
    assert formats.number(1234567, "ja") == "1,234,567"
    assert formats.number(Decimal("2.345"), "en", decimals=2) == "2.35"
    assert formats.percent(Decimal("0.8534"), "ko") == "85.3%"


@pytest.mark.parametrize("lang, day, moment, clock", [
    ("en", "Mar 2, 2026", "Mar 2, 2026, 5:05:00\u202fPM", "5:05\u202fPM"),
    ("ja", "2026/03/02", "2026/03/02 17:05:00", "17:05"),
    ("ko", "2026. 3. 2.", "2026. 3. 2. 오후 5:05:00", "오후 5:05"),
])
def test_dates_and_times_in_the_plants_zone(lang, day, moment, clock):
    assert formats.day(date(2026, 3, 2), lang) == day
    assert formats.moment(AT, "Asia/Tokyo", lang) == moment
    assert formats.clock(AT, "Asia/Seoul", lang) == clock


def test_an_unknown_zone_shows_utc_and_none_shows_nothing():
    assert formats.moment(AT, "Mars/Base", "en", fmt="HH:mm") == "08:05"
    assert formats.moment(None) == formats.day(None) == formats.clock(None) == ""
    assert formats.clock(time(6, 30), lang="ja") == "6:30"


def test_without_a_language_the_one_being_served_is_used():
    with use_language("ja"):
        assert formats.day(date(2026, 3, 2)) == "2026/03/02"
    assert formats.day(date(2026, 3, 2)) == "Mar 2, 2026"


def test_the_week_starts_on_sunday_in_the_us_japan_and_korea():
    assert {lang: formats.week_start(lang) for lang in ("en", "ja", "ko")} == {"en": 6, "ja": 6, "ko": 6}


def test_a_day_and_clock_is_short_and_in_each_languages_order():
    """The dashboard's period and drill rows: the plant's local day and a 24-hour clock, in the language's order
    (a Japanese reader once saw "7 12月 00:00", the English pattern with Japanese month names)."""
    moment = datetime(2026, 12, 6, 23, 5, 9, tzinfo=UTC)         # 00:05 on the 7th in Berlin
    assert formats.day_and_clock(moment, "Europe/Berlin", "en") == "Dec 7 00:05"
    assert formats.day_and_clock(moment, "Europe/Berlin", "ja") == "12月7日 00:05"
    assert formats.day_and_clock(moment, "Europe/Berlin", "ko") == "12월 7일 00:05"
    assert formats.day_and_clock(moment, "Asia/Tokyo", "ja", seconds=True) == "12月7日 08:05:09"
    assert formats.day_and_clock(None) == ""
