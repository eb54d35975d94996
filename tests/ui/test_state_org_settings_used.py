"""Organization settings at work in the pages: a tab writes numbers in its organization's number format (set from
the profile, applied before every event), the products page shows standard costs in the default currency and offers
the units of the organization's system, a new purchase order starts in the default currency, and saving another
number format on the settings page applies to the admin's own tab at once; the finance pages start in the default
currency."""
from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from rxapp.i18n_client import serve_in_tab_language
from rxapp.state.finance.invoices import InvoicesState
from rxapp.state.finance.overview import FinanceState
from rxapp.state.finance.purchase_orders import PurchaseOrdersState
from rxapp.state.language import LanguageState
from rxapp.state.master.products import ProductsState
from rxapp.state.org.settings import OrgSettingsState
from services.core import formats
from services.core.db import transaction
from services.org import settings
from services.org.settings import SettingsUpdate
from tests.conftest import T0
from tests.factories.org import make_user
from tests.ui.conftest import run, signed_in, toasts


def _set(engine, world, **values):
    with Session(engine) as s, transaction(s):
        settings.update_settings(s, world.actor(world.admin_a), SettingsUpdate(**values), now=T0)


async def test_products_show_costs_in_the_currency_and_number_format_and_offer_the_units(engine, world):
    _set(engine, world, currency="CHF", number_format="1.234,56", units="imperial")
    state = await signed_in(engine, ProductsState, "planner.one")
    assert (await state.get_state(LanguageState)).number_format == "1.234,56"
    with formats.use_number_format(None):
        await serve_in_tab_language(state)               # what the event middleware does before each event
        assert formats.number(Decimal("1234.5"), decimals=2) == "1.234,50"
        await run(state.open_new(), state)
        assert state.f_unit == "pcs" and "lb" in state.unit_options and "kg" not in state.unit_options
        events = await run(state.save({"code": "FG-1", "name": "Chair", "type": "finished", "unit": "lb",
                                       "standard_cost": "1234.5", "description": ""}), state)
        assert toasts(events, "success")
        assert [(r.code, r.unit, r.standard_cost) for r in state.rows] == [("FG-1", "lb", "1.234,50 CHF")]
        assert state.currency == "CHF"


async def test_a_new_purchase_order_starts_in_the_default_currency(engine, session, world):
    make_user(session, world.org_a, roles=["finance"], username="fin.ui")
    _set(engine, world, currency="CHF")
    state = await signed_in(engine, PurchaseOrdersState, "fin.ui")
    await run(state.open_new(), state)
    assert state.form_open and state.default_currency == "CHF" and state.form_values["currency"] == "CHF"
    assert "CHF" in [o.value for o in state.currency_options] and "KRW" in [o.value for o in state.currency_options]


async def test_saving_a_number_format_applies_to_the_admins_tab(engine, world):
    state = await signed_in(engine, OrgSettingsState, "admin.a")
    await run(state.load(), state)
    assert state.number_format == "1,234.56"
    await run(state.set_value("number_format", "1'234.56"), state)
    assert toasts(await run(state.save(), state), "success") == ["Settings saved"]
    assert (await state.get_state(LanguageState)).number_format == "1'234.56"


async def test_finance_pages_start_in_the_default_currency(engine, session, world):
    make_user(session, world.org_a, roles=["finance"], plant_ids=[world.plant1], username="fin.cur")
    _set(engine, world, currency="KRW")
    overview = await signed_in(engine, FinanceState, "fin.cur")
    await run(overview.enter(), overview)
    invoices = await overview.get_state(InvoicesState)
    await run(invoices.enter(), invoices)
    assert (overview.currency, invoices.currency) == ("KRW", "KRW")
    _set(engine, world, currency="CHF")               # not offered on these pages: they start in EUR
    await run(invoices.enter(), invoices)
    assert invoices.currency == "EUR"
