"""Loss splits: a higher package (maintenance) registers a function that names, for a KPI scope, stop time that
belongs on its own bar of the loss Pareto (repairs waiting for parts, say). kpi sits below those packages and never
imports them; they register here at import (docs/architecture.md, "Where a new capability goes").

    register(split)                         add a split function (once per function)
    splits_for(session, scope) -> list[LossSplit]   what every registered function found for the scope

A split moves minutes, it never adds any: loss_pareto takes a split's working microseconds out of its stop
reason's row (at most what that row has) and shows them as one row of the split's kind, in the same loss category.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from services.kpi.scope import Scope


@dataclass(frozen=True)
class LossSplit:
    kind: str             # the Pareto row's kind, e.g. "waiting_parts"
    label: str            # its name on the chart and in exports
    reason_key: int       # the stop reason whose minutes these are (0: no reason)
    us: int               # working microseconds inside the scope


SplitFunction = Callable[[Session, Scope], list[LossSplit]]
_splits: list[SplitFunction] = []


def register(split: SplitFunction) -> SplitFunction:
    if split not in _splits:
        _splits.append(split)
    return split


def splits_for(session: Session, scope: Scope) -> list[LossSplit]:
    return [found for split in _splits for found in split(session, scope) if found.us > 0]
