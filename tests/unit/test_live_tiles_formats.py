"""The live channel's figures are written through services/core/formats.py, in the language and number format
served (rxapp/api/kpi/live_stream.read_tiles reads each scope under its language and its organization's number
format), exactly as the dashboard, andon and SPC pages write the same figures."""
from __future__ import annotations

from decimal import Decimal

import pytest

from services.core import formats
from services.core.languages import use_language
from services.kpi.live_tiles import andon_oee_text, percent_text
from services.quality.spc_tiles import number_text


@pytest.mark.parametrize("language", ["ja", "ko"])
@pytest.mark.parametrize("number_format, percent, oee, spc", [
    (None, "1,234.6 %", "86%", "12.35"),
    ("1.234,56", "1.234,6 %", "86%", "12,35"),
    ("1 234,56", "1\u00a0234,6 %", "86%", "12,35"),
])
def test_tiles_follow_the_language_and_the_number_format(language, number_format, percent, oee, spc):
    with use_language(language), formats.use_number_format(number_format):
        assert percent_text(Decimal("1234.56")) == percent
        assert andon_oee_text(Decimal("85.5")) == oee
        assert number_text(Decimal("12.34567")) == spc
        assert number_text(Decimal("0.0012344")) == formats.significant(Decimal("0.0012344"))
        assert (percent_text(None), andon_oee_text(None), number_text(None)) == ("–", "–", "—")


def test_a_small_measurement_keeps_its_significant_digits_in_the_decimal_sign_served():
    with use_language("ja"), formats.use_number_format("1.234,56"):
        assert number_text(Decimal("0.012345")) == "0,01234"
        assert percent_text(Decimal("93.75")) == "93,8 %"
