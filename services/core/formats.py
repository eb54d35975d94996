"""Local formats, one module for all: numbers, money, dates and times in the person's language and the plant's
time zone (babel, CLDR data).

Every function takes an optional `lang` (en, ja, ko); without it, the language of the request or event being
served (services/core/languages.current_language). A language maps to its usual locale (en -> en_US,
ja -> ja_JP, ko -> ko_KR) so territory rules such as the first day of the week apply.

An organization's number format (services/org/settings.NUMBER_FORMATS: "1.234,56", "1 234,56" ...) replaces the
locale's grouping and decimal signs for the request or event being served: the doors set it from the person's
organization (`set_number_format`, `use_number_format`); without one, the locale's signs stand.

Invariants: money is shown in its currency's places (services/finance/money.minor_units: KRW and JPY have
none, rounded half-up for display only); datetimes are stored UTC and shown in the zone passed in (UTC for an
unknown zone); None shows as "".
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _date
from babel.dates import format_datetime as _datetime
from babel.dates import format_skeleton
from babel.dates import format_time as _time
from babel.numbers import format_currency as _currency
from babel.numbers import format_decimal as _decimal

from services.core.languages import current_language, normalize

LOCALES = {"en": "en_US", "ja": "ja_JP", "ko": "ko_KR"}
MINOR_UNITS = {"KRW": 0, "JPY": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}


# grouping and decimal sign of each organization number format (the settings page offers these keys)
SEPARATORS = {"1,234.56": (",", "."), "1.234,56": (".", ","), "1 234,56": ("\u00a0", ","), "1'234.56": ("'", ".")}
_number_format: ContextVar[str | None] = ContextVar("takt_number_format", default=None)


def set_number_format(fmt: str | None) -> Token:
    """Write numbers in the organization format `fmt` for the rest of this request or event (None or unknown:
    the locale's signs)."""
    return _number_format.set(fmt if fmt in SEPARATORS else None)


@contextmanager
def use_number_format(fmt: str | None) -> Iterator[None]:
    token = set_number_format(fmt)
    try:
        yield
    finally:
        _number_format.reset(token)


def number_format() -> str | None:
    """The organization number format in force now; None: the locale's."""
    return _number_format.get()


def _signs(text: str) -> str:
    """`text` as babel wrote it (en, ja and ko group with "," and mark decimals with ".") in the format in force."""
    fmt = _number_format.get()
    if fmt is None:
        return text
    group, decimal = SEPARATORS[fmt]
    return text.translate({ord(","): group, ord("."): decimal})


def locale_of(lang: str | None = None) -> str:
    return LOCALES[normalize(lang) or current_language()]


def zone(timezone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def places(currency: str) -> int:
    """Decimal places of `currency` (ISO 4217); 2 unless listed."""
    return MINOR_UNITS.get((currency or "").upper(), 2)


def number(value: Decimal | int | float | None, lang: str | None = None, *, decimals: int | None = None) -> str:
    """A number with the locale's grouping and decimal sign; `decimals` fixes the places shown."""
    if value is None:
        return ""
    if decimals is None:
        return _signs(_decimal(value, locale=locale_of(lang)))
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _signs(_decimal(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP),
                           format=fmt, locale=locale_of(lang), decimal_quantization=False))


def amount(value: Decimal | None, currency: str = "", lang: str | None = None) -> str:
    """A money amount without its symbol, in the currency's places (1,234.50 EUR; 1,235 JPY); without a
    currency, its own places up to 2 (12 or 12.50)."""
    if value is None:
        return ""
    if currency:
        return number(value, lang, decimals=places(currency))
    value = Decimal(value)
    return number(value, lang, decimals=0 if value == value.to_integral_value() else 2)


def money(value: Decimal | None, currency: str, lang: str | None = None) -> str:
    """A money amount with its currency's symbol as the locale writes it (€1,234.50, ￥1,235, ₩12,000)."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places(currency)), rounding=ROUND_HALF_UP)
    return _signs(_currency(rounded, currency.upper(), locale=locale_of(lang)))   # CLDR's places: none for KRW, JPY


def percent(value: Decimal | float | None, lang: str | None = None, *, decimals: int = 1) -> str:
    """A ratio (0.853) as a percentage in the locale (85.3%)."""
    if value is None:
        return ""
    return number(Decimal(str(value)) * 100, lang, decimals=decimals) + "%"


def day(value: date | None, lang: str | None = None, fmt: str = "medium") -> str:
    """A calendar day (Mar 2, 2026; 2026/03/02; 2026. 3. 2.)."""
    return "" if value is None else _date(value, format=fmt, locale=locale_of(lang))


def moment(value: datetime | None, timezone: str | None = "UTC", lang: str | None = None, fmt: str = "medium") -> str:
    """A stored (UTC) datetime shown in `timezone` (the plant's)."""
    return "" if value is None else _datetime(value, format=fmt, tzinfo=zone(timezone), locale=locale_of(lang))


def day_and_clock(value: datetime | None, timezone: str | None = "UTC", lang: str | None = None, *,
                  seconds: bool = False) -> str:
    """A day of the year and a 24-hour clock, short, as a range or a list row shows it, in the language's own
    order (Dec 7 06:00; 12月7日 06:00; 12월 7일 06:00): the plant's time zone."""
    if value is None:
        return ""
    return (f"{format_skeleton('MMMd', value.astimezone(zone(timezone)), locale=locale_of(lang))} "
            f"{clock(value, timezone, lang, 'HH:mm:ss' if seconds else 'HH:mm')}")


def clock(value: datetime | time | None, timezone: str | None = "UTC", lang: str | None = None,
          fmt: str = "short") -> str:
    """A time of day; a datetime is shown in `timezone` first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _time(value, format=fmt, tzinfo=zone(timezone), locale=locale_of(lang))
    return _time(value, format=fmt, locale=locale_of(lang))


def week_start(lang: str | None = None) -> int:
    """The first day of the week in the person's locale: 0 Monday ... 6 Sunday (Sunday in the US, Japan, Korea)."""
    return Locale.parse(locale_of(lang)).first_week_day


def day_at(value: datetime | None, timezone: str | None = "UTC", lang: str | None = None, fmt: str = "short") -> str:
    """The calendar day of a stored (UTC) datetime as it is in `timezone` (the plant's)."""
    return "" if value is None else day(value.astimezone(zone(timezone)).date(), lang, fmt)


def month_day(value: date | None, lang: str | None = None) -> str:
    """A day without its year, as the locale writes it (3/2, 3/2, 3. 2.): axis labels, week columns."""
    return "" if value is None else format_skeleton("Md", value, locale=locale_of(lang))


def weekday(value: date | None, lang: str | None = None) -> str:
    """The day of the week, abbreviated as the locale writes it (Mon, 月, 월)."""
    return "" if value is None else _date(value, format="EEE", locale=locale_of(lang))


def exact(value: Decimal | None, lang: str | None = None) -> str:
    """A Decimal with every place it holds and none it does not (a rate 1.2345, a discount 12.5)."""
    if value is None:
        return ""
    normal = Decimal(value).normalize()
    exponent = normal.as_tuple().exponent
    return number(normal, lang, decimals=max(0, -exponent) if isinstance(exponent, int) else 0)


def significant(value: Decimal | float | None, lang: str | None = None, *, digits: int = 4) -> str:
    """A measured value to `digits` significant digits (12.35, 0.001235), trailing zeros dropped."""
    if value is None:
        return ""
    return _signs(_decimal(Decimal(str(value)), format="@" + "#" * (digits - 1), locale=locale_of(lang)))
