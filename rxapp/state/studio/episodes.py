"""Episodes as the studio pages pick them: "Episode 3 · 灯台" with the episode's name in the viewer's language."""
from __future__ import annotations

from rxapp.i18n import _
from rxapp.state.master.common import Option
from services.studio.episodes import EpisodeRead


def episode_options(rows: list[EpisodeRead]) -> list[Option]:
    return [Option(value=str(e.id), label=_("Episode {n}").format(n=e.number) + (f" · {e.display_name}"
                                                                                  if e.display_name else ""))
            for e in rows]
