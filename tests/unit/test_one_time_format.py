"""One formatter for the whole app (issue 18: the walk found "12/6/26, 8:06 PM", "2026-12-06 19:21 UTC" and "20:10"
side by side). Every date, time and number a page shows goes through services/core/formats (babel: the plant's time
zone, the person's locale); this test reads rxapp/state and rxapp/pages and refuses the hand-made kinds so they
cannot come back: strftime, f-string date directives (`{at:%Y-%m-%d %H:%M}`), f-string number specs (`{x:.1f}`,
`{x:,}`), sliced ISO strings (`at.isoformat()[:16]`) and a hand-written " UTC" after a time.

What is not shown to people as a date, time or number is allowed below, each with its reason (file names, the
values of date and datetime-local inputs, plotly's own axis format, SVG coordinates). The REST API and the CLI
answer machine formats (ISO 8601) on purpose and are not read here.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from services.core import formats

ROOT = Path(__file__).resolve().parents[2]
READ = ("rxapp/state", "rxapp/pages")
NUMBER_SPEC = re.compile(r"[,_]|\.\d*[efg%]|^\d*[efg%]$|^,?f$")

# (file, a piece of the offending line) -> why it is not a person-facing format
ALLOWED: dict[tuple[str, str], str] = {
    ("rxapp/state/master/common.py", 'stamp = f"{utcnow():%Y%m%d-%H%M}"'): "an export's file name",
    ("rxapp/state/org/audit.py", 'filename=f"takt-audit-{utcnow():%Y%m%d-%H%M}.csv"'): "an export's file name",
    ("rxapp/state/trace/trace.py", 'filename=f"trace-{self.lot_number}-{utcnow():%Y%m%d-%H%M}'): "an export's file name",
    ("rxapp/state/trace/trace.py", '"machine {machine} from {start} to {end} UTC"'):
        "the suspect window is typed into datetime-local inputs labelled UTC; its times are formatted by formats",
    ("rxapp/state/maintenance/ticket_work.py", 'started_value=f"{e.started_at:%Y-%m-%dT%H:%M}"'):
        "the value of a datetime-local input (labelled UTC on the page)",
    ("rxapp/state/maintenance/ticket_work.py", 'ended_value=f"{e.ended_at:%Y-%m-%dT%H:%M}"'):
        "the value of a datetime-local input (labelled UTC on the page)",
    ("rxapp/state/quality/spc.py", 'f"{c.baseline_start:%Y-%m-%dT%H:%M}"'):
        "the values of the baseline's datetime-local inputs (labelled UTC on the page)",
    ("rxapp/state/quality/spc.py", 'self.baseline_start = f"{view.points[0].measured_at:%Y-%m-%dT%H:%M}"'):
        "the value of a datetime-local input (labelled UTC on the page)",
    ("rxapp/state/quality/spc.py", 'self.baseline_end = f"{view.points[-1].measured_at + timedelta(minutes=1):%Y'):
        "the value of a datetime-local input (labelled UTC on the page)",
    ("rxapp/state/production/order_form.py", 'f"{line.unit_price.normalize():f}"'):
        "the value of a price input being edited (a plain decimal the input parses back)",
    ("rxapp/state/production/schedule_figures.py", '.strftime("%Y-%m-%d %H:%M:%S")'):
        "plotly's date axis reads local wall-clock times in this machine format",
    ("rxapp/state/studio/tasks.py", 'f"{x * 1000:.1f},{y * 1000:.1f}"'): "SVG polyline coordinates of a drawing",
    ("rxapp/state/config/invitation_accept.py", '+ " UTC"'):
        "the invitee has no plant yet: the expiry is formatted by formats in UTC and says so",
    ("rxapp/state/studio/live_kanban.py", '+ " UTC"'):
        "a studio project has no plant: the shared board's refresh time is formatted by formats in UTC and says so",
    ("rxapp/state/studio/live_spend.py", '+ " UTC"'):
        "a studio project has no plant: the shared view's refresh time is formatted by formats in UTC and says so",
    ("rxapp/state/studio/live_project.py", '+ " UTC"'):
        "a studio project has no plant: the shared view's refresh time is formatted by formats in UTC and says so",
}


def _spec_text(spec: ast.JoinedStr) -> str:
    return "".join(v.value for v in spec.values if isinstance(v, ast.Constant) and isinstance(v.value, str))


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            spec = _spec_text(node.format_spec)
            if "%" in spec and re.search(r"%[YmdHMSaAbBpyIjU]", spec):
                found.append((node.lineno, f"date directive {spec!r} in an f-string"))
            elif NUMBER_SPEC.search(spec):
                found.append((node.lineno, f"number spec {spec!r} in an f-string"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime":
            found.append((node.lineno, "strftime"))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "isoformat":
            found.append((node.lineno, "a sliced isoformat()"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"\d?\s?UTC\"?$", node.value) \
                and node.value != "UTC" and "(UTC)" not in node.value:
            found.append((node.lineno, f"a hand-written time zone in {node.value!r}"))
    return found


def hand_made_formats() -> list[str]:
    """Every offence under READ that ALLOWED does not explain, as 'file:line: what: source'."""
    out = []
    for folder in READ:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for lineno, what in _offences(ast.parse(source)):
                line = lines[lineno - 1]
                if not any(f == rel and piece in line for f, piece in ALLOWED):
                    out.append(f"{rel}:{lineno}: {what}: {line.strip()}")
    return out


def test_pages_and_states_format_dates_times_and_numbers_only_through_formats():
    assert hand_made_formats() == []


def test_every_allowance_still_matches_a_line_and_gives_its_reason():
    for (rel, piece), reason in ALLOWED.items():
        assert piece in (ROOT / rel).read_text(encoding="utf-8"), f"{rel}: {piece!r} is gone; drop its allowance"
        assert len(reason) > 15


def test_the_scan_catches_each_hand_made_kind():
    samples = {
        'x = f"{at:%Y-%m-%d %H:%M}"': "date directive",
        'x = at.strftime("%H:%M")': "strftime",
        'x = f"{value:.1f} %"': "number spec",
        'x = f"{n:,}"': "number spec",
        "x = at.isoformat()[:16]": "sliced isoformat",
        'x = f"{when} UTC"': "hand-written time zone",
    }
    for code, kind in samples.items():
        assert [what for _line, what in _offences(ast.parse(code))], (code, kind)
    assert _offences(ast.parse('x = f"{seconds // 3600}:{seconds % 3600 // 60:02d}"')) == []   # a duration h:mm


def test_one_style_in_the_plants_zone_and_the_persons_locale():
    from datetime import UTC, datetime
    at = datetime(2026, 12, 6, 19, 21, tzinfo=UTC)
    assert formats.moment(at, "Europe/Berlin", "en", fmt="short") == "12/6/26, 8:21\u202fPM"
    assert formats.moment(at, "Asia/Tokyo", "ja", fmt="short") == "2026/12/07 4:21"
    assert formats.day_at(at, "Asia/Tokyo", "ja") == "2026/12/07"
