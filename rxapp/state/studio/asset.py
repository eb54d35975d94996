"""/studio/asset?id=N: one asset (code, names, kind, custom fields) with its tasks per step, the cuts it is
cast into and its activity feed; managers edit the names, the kind and the custom fields of studio assets.
Through services/studio/breakdown (update_asset re-checks STUDIO_MANAGE and the organization), tasks and
activity, which check VIEW and the organization."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, custom_inputs, submitted_custom
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.cut import CutTaskLine, task_lines
from rxapp.state.studio.project import FeedLine, feed_lines
from services.config import custom_field_views, type_lists
from services.core.access import Permission
from services.core.errors import DomainError, Invalid
from services.studio import activity, breakdown, tasks
from services.studio.breakdown import AssetUpdate
from services.studio.common import ASSET_KINDS


@dataclass
class CastCutLine:
    code: str = ""
    href: str = ""


def _detail(session, actor, asset_id: int):
    asset = breakdown.get_asset(session, actor, asset_id)
    manager = Permission.STUDIO_MANAGE in actor.permissions
    return (asset, tasks.list_tasks(session, actor, project_id=asset.project_id, asset_id=asset_id),
            breakdown.cast_in(session, actor, asset_id), activity.feed(session, actor, "asset", asset_id, limit=50),
            custom_field_views.form_inputs(session, actor, "studio_asset", asset.custom) if manager else [],
            type_lists.values(session, actor, ASSET_KINDS) if manager else [])


class AssetState(AuthState):
    asset_id: int = 0
    project_href: str = ""
    code: str = ""
    name: str = ""
    name2: str = ""
    name2_language: str = ""
    kind: str = ""
    kind_value_id: str = ""
    custom: str = ""
    load_error: str = ""
    task_lines: list[CutTaskLine] = []
    cuts: list[CastCutLine] = []
    feed: list[FeedLine] = []
    kinds: list[Option] = []
    custom_inputs: list[CustomInput] = []
    errors: dict[str, str] = {}

    @rx.var
    def can_edit(self) -> bool:
        return "studio_manage" in self.permissions and self.load_error == ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.asset_id = as_id(query.get("id", ""))
        self.errors = {}
        return AssetState.load

    @rx.event
    def load(self):
        try:
            asset, rows, cuts, feed, fields, kinds = self._use_case(_detail, self.asset_id)
        except DomainError as error:
            self.load_error, self.code, self.task_lines, self.cuts, self.feed = _(error.message), "", [], [], []
            self.custom_inputs, self.kinds = [], []
            return self._refused(error, quiet=True)
        self.load_error, self.project_href = "", routes.studio_project_url(asset.project_id)
        self.code, self.name, self.name2, self.kind = asset.code, asset.name, asset.name2, asset.kind_label
        self.name2_language = asset.name2_language or ""
        self.kind_value_id = str(asset.kind_value_id or "")
        self.custom = "; ".join(f"{k}: {v}" for k, v in sorted(asset.custom.items()))
        self.task_lines = task_lines(rows)
        self.cuts = [CastCutLine(code=c.code, href=routes.studio_cut_url(c.id)) for c in cuts]
        self.feed = feed_lines(feed, self._zone())
        self.custom_inputs = custom_inputs(fields)
        self.kinds = [Option(value=str(k.id), label=k.label) for k in kinds]
        return None

    @rx.event
    def save(self, form: dict):
        data = AssetUpdate(name=str(form.get("name", "")), name2=str(form.get("name2", "")),
                           name2_language=str(form.get("name2_language", "")) or None,
                           kind_value_id=as_id(form.get("kind_value_id")) or None,
                           custom=submitted_custom(form, self.custom_inputs))
        try:
            self._use_case(breakdown.update_asset, self.asset_id, data, now=utcnow())
        except Invalid as error:
            self.errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Asset {code} saved").format(code=self.code)), AssetState.load]
