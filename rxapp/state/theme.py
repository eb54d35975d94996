"""The organization's primary colour as a Radix accent scale.

Radix themes only know named palettes, so the app uses `BASE_ACCENT` as the theme's accent and
overrides that palette's CSS variables (`--accent-1` .. `--accent-12`, the alpha steps, contrast,
surface) with a scale derived from the brand colour. Buttons, links, focus rings, checkboxes and
the shell pick it up at once, including dialogs rendered in portals. Other colours used on purpose
(red for danger, gray for secondary actions) are not touched.
"""
from __future__ import annotations

import re

BASE_ACCENT = "indigo"
DEFAULT_COLOR = "#2563eb"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

_LIGHT_STEPS = (0.03, 0.06, 0.12, 0.18, 0.26, 0.36, 0.5, 0.68)      # share of the colour over white, steps 1-8
_ALPHAS = (0.012, 0.03, 0.08, 0.13, 0.2, 0.28, 0.4, 0.6)             # alpha of the colour, steps a1-a8


def _rgb(color: str) -> tuple[int, int, int]:
    color = color if _HEX.match(color or "") else DEFAULT_COLOR
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], share_of_a: float) -> tuple[float, float, float]:
    return tuple(x * share_of_a + y * (1 - share_of_a) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(color: str) -> str:
    """White or near-black, whichever reads better on `color`."""
    rgb = _rgb(color)
    return "#ffffff" if contrast(rgb, (255, 255, 255)) >= contrast(rgb, (17, 17, 17)) else "#111111"


def _readable_on_white(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """The colour darkened until text in it reaches 4.5:1 on white."""
    share = 1.0
    shade: tuple[float, float, float] = rgb
    while contrast(shade, (255, 255, 255)) < 4.5 and share > 0.05:
        share -= 0.05
        shade = _mix(rgb, (0, 0, 0), share)
    return shade


def accent_variables(color: str) -> dict[str, str]:
    rgb = _rgb(color)
    white, black = (255, 255, 255), (0, 0, 0)
    text = _readable_on_white(rgb)
    scale = [_hex(_mix(rgb, white, s)) for s in _LIGHT_STEPS]
    scale += [_hex(rgb), _hex(_mix(rgb, black, 0.88)), _hex(text), _hex(_mix(text, black, 0.6))]
    r, g, b = rgb
    alphas = [f"rgba({r}, {g}, {b}, {a})" for a in _ALPHAS]
    alphas += [f"rgba({r}, {g}, {b}, 1)", _hex(_mix(rgb, black, 0.88)), _hex(text), _hex(_mix(text, black, 0.6))]
    variables = {f"--accent-{i}": v for i, v in enumerate(scale, start=1)}
    variables |= {f"--accent-a{i}": v for i, v in enumerate(alphas, start=1)}
    variables |= {
        "--accent-contrast": text_on(color),
        "--accent-surface": f"rgba({r}, {g}, {b}, 0.06)",
        "--accent-indicator": _hex(rgb),
        "--accent-track": _hex(rgb),
    }
    return variables


def accent_css(color: str) -> str:
    """A style sheet giving the theme's accent palette the organization's colour."""
    body = "; ".join(f"{k}: {v}" for k, v in accent_variables(color).items())
    return f":root [data-accent-color='{BASE_ACCENT}'] {{ {body}; }}"
