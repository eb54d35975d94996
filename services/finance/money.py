"""Money: exact Decimal amounts rounded to a currency's minor unit, or to a coarser unit where a law says so.

KRW and JPY have no minor unit (0 places); most currencies have 2; BHD, KWD and the like 3. A rounding rule
is a mode (half-up, or truncation towards zero) and an optional unit (1, 10 ...) coarser than the minor
unit: Korea truncates withheld income tax below 10 won. Nothing here reads floats: pass Decimals or strings.

The currencies the finance pages offer (`supported_currencies`) and the one a page starts in
(`finance_currency`: the organization's default from its settings when offered, else the settings' own default,
EUR) are decided here, not by the pages.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, cast, func
from sqlmodel import Session

from models.finance import Rounding
from services.core.access import Actor
from services.core.messages import t
from services.org import settings

MINOR_UNITS = {"KRW": 0, "JPY": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
_MODES = {Rounding.HALF_UP: ROUND_HALF_UP, Rounding.TRUNCATE: ROUND_DOWN}
SUPPORTED_CURRENCIES = ("EUR", "USD", "JPY", "KRW", "BDT")     # what the finance pages offer (ISO 4217 codes)


def supported_currencies() -> list[str]:
    """The currencies the finance pages offer, in the order they list them."""
    return list(SUPPORTED_CURRENCIES)


def supported_or_fallback(currency: str | None) -> str:
    """`currency` when the finance pages offer it, else the settings' default currency (EUR)."""
    code = (currency or "").strip().upper()
    return code if code in SUPPORTED_CURRENCIES else settings.DEFAULTS.currency


def finance_currency(session: Session, actor: Actor) -> str:
    """The currency a finance page starts in: the organization's default (its settings) when offered, else EUR."""
    return supported_or_fallback(settings.organization_currency(session, actor))


def minor_units(currency: str) -> int:
    """Decimal places of `currency` (ISO 4217 code); 2 unless listed."""
    return MINOR_UNITS.get(currency.upper(), 2)


def decimal_places(amount: Decimal) -> int:
    """How many decimal places a finite Decimal is written with (0 for 100 or 1E+2)."""
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int), f"{amount} is not finite"
    return max(0, -exponent)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str, rounding: Rounding = Rounding.HALF_UP,
                unit: Decimal | None = None) -> Decimal:
    """`amount` rounded by `rounding` to `unit` (default: the currency's minor unit), in the currency's places."""
    step = unit if unit is not None and unit > quantum(currency) else quantum(currency)
    units = (Decimal(amount) / step).quantize(Decimal(1), rounding=_MODES[Rounding(rounding)])
    return (units * step).quantize(quantum(currency))


def describe_rounding(currency: str, rounding: Rounding, unit: Decimal | None = None) -> str:
    """The rounding rule in words, as documents state it next to the figures."""
    step = unit if unit is not None and unit > quantum(currency) else quantum(currency)
    values = {"step": f"{step.normalize():f}", "currency": currency.upper()}
    if Rounding(rounding) == Rounding.HALF_UP:
        return t("rounded half up to {step} {currency}", **values)
    return t("truncated to {step} {currency}", **values)


SCALE = 10_000          # money columns keep 4 places (NUMERIC(18, 4))


def exact_sum(column, dialect: str):
    """SUM of a money column, exact on every database: SQLite keeps NUMERIC as floating point, so there the sum
    runs over whole ten-thousandths (integers) and `from_scaled` turns it back; PostgreSQL sums NUMERIC exactly."""
    if dialect == "sqlite":
        return func.sum(cast(func.round(column * SCALE), BigInteger))
    return func.sum(column)


def from_scaled(value, dialect: str) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(int(value)) / SCALE if dialect == "sqlite" else Decimal(value)
