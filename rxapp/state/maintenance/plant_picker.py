"""The plant picker of the maintenance pages that show one plant at a time (plans, parts, settings).

Invariants: the choices are the plants of the actor's organization the actor works at; the chosen plant is kept
across visits while it is still among them, else the first one (none: "").
"""
from __future__ import annotations

import reflex as rx

from rxapp.i18n import _
from rxapp.state.master.common import Option
from services.core.errors import DomainError
from services.org import plants


def plant_options(session, actor) -> list[Option]:
    return [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in plants.list_plants(session, actor)
            if p.id in actor.plant_ids]


class PlantPicker(rx.State, mixin=True):
    """A page state mixes it in before AuthState and supplies `load` (the chosen plant's data); `_leave_forms` closes what a
    page wants closed on each visit."""
    plant_options: list[Option] = []
    plant_id: str = ""
    loading: bool = True
    load_error: str = ""

    def _leave_forms(self) -> None:
        """Nothing by default."""

    @rx.event
    def enter(self):
        try:
            self.plant_options = self._use_case(plant_options)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        if self.plant_id not in [o.value for o in self.plant_options]:
            self.plant_id = self.plant_options[0].value if self.plant_options else ""
        self._leave_forms()
        return type(self).load
