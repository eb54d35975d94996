"""The set-up steps a page needs, as links: a page whose plant lacks machines, a shift calendar, products,
routings or customers shows what to set up and where (services.master.readiness) instead of an error."""
from __future__ import annotations

from dataclasses import dataclass

from rxapp import routes
from rxapp.i18n import _

STEP_LINKS = {
    "machines": (_("Add the plant's work centers and machines"), routes.MASTER_MACHINES),
    "calendar": (_("Create the plant's shift calendar with its shifts"), routes.MASTER_CALENDARS),
    "products": (_("Add the products you make and buy"), routes.MASTER_PRODUCTS),
    "routings": (_("Give the products routings (their steps at work centers)"), routes.MASTER_ROUTINGS),
    "customers": (_("Add the customers who order"), routes.MASTER_CUSTOMERS),
}


@dataclass
class SetupStep:
    key: str = ""
    label: str = ""
    href: str = ""


def setup_steps(keys: list[str]) -> list[SetupStep]:
    """The missing steps (services.master.readiness.missing_steps) as links to their pages."""
    return [SetupStep(key=k, label=STEP_LINKS[k][0], href=STEP_LINKS[k][1]) for k in keys if k in STEP_LINKS]
