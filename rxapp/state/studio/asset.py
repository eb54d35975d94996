"""/studio/asset?id=N: one asset (code, names, kind, custom fields) with its tasks per step, the cuts it is
cast into and its activity feed; read-only (assets have no update service yet). Through
services/studio/breakdown, tasks and activity, which check VIEW and the organization."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from rxapp import routes
from rxapp.i18n import _
from rxapp.state.org.auth import AuthState, as_id
from rxapp.state.studio.cut import CutTaskLine, task_lines
from rxapp.state.studio.project import FeedLine, feed_lines
from services.core.errors import DomainError
from services.studio import activity, breakdown, tasks


@dataclass
class CastCutLine:
    code: str = ""
    href: str = ""


def _detail(session, actor, asset_id: int):
    asset = breakdown.get_asset(session, actor, asset_id)
    return (asset, tasks.list_tasks(session, actor, project_id=asset.project_id, asset_id=asset_id),
            breakdown.cast_in(session, actor, asset_id), activity.feed(session, actor, "asset", asset_id, limit=50))


class AssetState(AuthState):
    asset_id: int = 0
    project_href: str = ""
    code: str = ""
    name: str = ""
    name2: str = ""
    kind: str = ""
    custom: str = ""
    load_error: str = ""
    task_lines: list[CutTaskLine] = []
    cuts: list[CastCutLine] = []
    feed: list[FeedLine] = []

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.asset_id = as_id(query.get("id", ""))
        return AssetState.load

    @rx.event
    def load(self):
        try:
            asset, rows, cuts, feed = self._use_case(_detail, self.asset_id)
        except DomainError as error:
            self.load_error, self.code, self.task_lines, self.cuts, self.feed = _(error.message), "", [], [], []
            return self._refused(error, quiet=True)
        self.load_error, self.project_href = "", routes.studio_project_url(asset.project_id)
        self.code, self.name, self.name2, self.kind = asset.code, asset.name, asset.name2, asset.kind_label
        self.custom = "; ".join(f"{k}: {v}" for k, v in sorted(asset.custom.items()))
        self.task_lines = task_lines(rows)
        self.cuts = [CastCutLine(code=c.code, href=routes.studio_cut_url(c.id)) for c in cuts]
        self.feed = feed_lines(feed)
        return None
