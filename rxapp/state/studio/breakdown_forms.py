"""The "add a cut" and "add an asset" forms of /studio/project?id=N (Breakdown tab), each with the
custom fields admins defined for studio cuts and studio assets, and the project's assets (code, names, kind,
number of cuts they are cast into, link to /studio/asset). Through services/studio/breakdown,
which re-checks the actor (STUDIO_MANAGE) and validates the custom values (errors under custom.<key>);
the live grid shows a new cut through the project's events."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, custom_inputs, submitted_custom
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.episodes import episode_options
from services.config import custom_field_views, type_lists
from services.core.errors import DomainError, Invalid
from services.studio import breakdown
from services.studio import episodes as episode_service
from services.studio.breakdown import AssetCreate, CutCreate
from services.studio.common import ASSET_KINDS


@dataclass
class AssetLine:
    code: str = ""
    name: str = ""
    name2: str = ""
    kind: str = ""
    cast_count: int = 0
    href: str = ""


def _forms(session, actor, project_id: int):
    return (episode_service.list_episodes(session, actor, project_id), type_lists.values(session, actor, ASSET_KINDS),
            custom_field_views.form_inputs(session, actor, "studio_cut", {}),
            custom_field_views.form_inputs(session, actor, "studio_asset", {}),
            breakdown.list_assets(session, actor, project_id))


def asset_lines(rows) -> list[AssetLine]:
    return [AssetLine(code=a.code, name=a.display_name or a.name, name2=a.name if a.display_name != a.name else a.name2,
                      kind=a.kind_label, cast_count=a.cast_count,
                      href=routes.studio_asset_url(a.id)) for a in rows]


def _frame(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text else None


class BreakdownFormsState(AuthState):
    project_id: int = 0
    episodes: list[Option] = []
    asset_kinds: list[Option] = []
    cut_inputs: list[CustomInput] = []
    asset_inputs: list[CustomInput] = []
    cut_errors: dict[str, str] = {}
    asset_errors: dict[str, str] = {}
    assets: list[AssetLine] = []

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.project_id = as_id(query.get("id", ""))
        return self._load()

    def _load(self):
        self.cut_errors, self.asset_errors, self.assets = {}, {}, []
        if "studio_manage" not in self.permissions:
            return None
        try:
            episodes, kinds, cut_fields, asset_fields, assets = self._use_case(_forms, self.project_id)
        except DomainError as error:
            return self._refused(error, quiet=True)
        self.episodes = episode_options(episodes)
        self.asset_kinds = [Option(value=str(k.id), label=k.label) for k in kinds]
        self.cut_inputs, self.asset_inputs = custom_inputs(cut_fields), custom_inputs(asset_fields)
        self.assets = asset_lines(assets)
        return None

    @rx.event
    def add_cut(self, form: dict):
        try:
            frame_in, frame_out = _frame(form.get("frame_in")), _frame(form.get("frame_out"))
        except ValueError:
            self.cut_errors = {"frame_out": _("Give whole numbers.")}
            return None
        data = CutCreate(code=str(form.get("code", "")), episode_id=as_id(form.get("episode_id")) or None,
                         frame_in=frame_in, frame_out=frame_out, description=str(form.get("description", "")),
                         custom=submitted_custom(form, self.cut_inputs))
        try:
            cut = self._use_case(breakdown.create_cut, self.project_id, data, now=utcnow())
        except Invalid as error:
            self.cut_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.cut_errors = {}
        return rx.toast.success(_("Cut {code} added").format(code=cut.code))

    @rx.event
    def add_asset(self, form: dict):
        data = AssetCreate(code=str(form.get("code", "")), name=str(form.get("name", "")),
                           name2=str(form.get("name2", "")),
                           name2_language=str(form.get("name2_language", "")) or None,
                           kind_value_id=as_id(form.get("kind_value_id")) or None,
                           custom=submitted_custom(form, self.asset_inputs))
        try:
            asset = self._use_case(breakdown.create_asset, self.project_id, data, now=utcnow())
        except Invalid as error:
            self.asset_errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.asset_errors = {}
        try:
            self.assets = asset_lines(self._use_case(breakdown.list_assets, self.project_id))
        except DomainError as error:
            return self._refused(error, quiet=True)
        return rx.toast.success(_("Asset {code} added").format(code=asset.code))
