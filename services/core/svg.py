"""SVG documents supplied by people (an organization's logo): accepted only when they cannot run code.

A text search alone is not enough: browsers accept `<image href="x"onerror="...">` without a
space, decode `&#x6A;avascript:` and ignore tabs inside a URL scheme, and HTML elements inside an
inline SVG break out of it. So an SVG must be well-formed XML without a DOCTYPE (no entities of its
own), and it is refused when any element is a script, a foreignObject or an HTML element, any
attribute is an event handler (`on...`, also as the target of `<set>`/`<animate>`), or any value
names a `javascript:`/`vbscript:` URL, or a `data:` URL other than an image, after decoding.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from services.core.messages import t

UNSAFE = t("The SVG contains scripts or event handlers, which are not allowed.")
MALFORMED = t("The SVG is not well-formed: check that every tag is closed.")
NOT_SVG = t("Use an SVG document or an image file.")

_START = re.compile(r"^(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<svg[\s>/]", re.IGNORECASE | re.DOTALL)
_UNSAFE_TEXT = re.compile(r"<\s*script|(?<![\w.:-])on[a-z]+\s*=|javascript:|vbscript:|<\s*foreignObject", re.IGNORECASE)
_SCRIPT_SCHEME = re.compile(r"(javascript|vbscript):")
_LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "to", "from", "by", "values"}
_SAFE_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]")
_BLOCKED_ELEMENTS = {
    "script", "foreignobject", "iframe", "frame", "object", "embed", "applet", "handler", "listener",
    # HTML elements that end an inline <svg> when a browser parses the page, letting what follows run as HTML
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "font", "h1", "h2",
    "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre",
    "ruby", "s", "small", "span", "strike", "strong", "sub", "sup", "table", "tt", "u", "ul", "var",
}


def svg_problem(text: str) -> str | None:
    """Why this SVG document may not be shown in the app, or None when it is safe."""
    if not _START.match(text):
        return NOT_SVG
    if _UNSAFE_TEXT.search(text):
        return UNSAFE
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return MALFORMED
    return UNSAFE if any(_unsafe_element(el) for el in root.iter()) else None


def _unsafe_element(element: ET.Element) -> bool:
    if _local(element.tag).lower() in _BLOCKED_ELEMENTS:
        return True
    for name, value in element.attrib.items():
        name = _local(name).lower()
        squeezed = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
        if name.startswith("on") or _SCRIPT_SCHEME.search(squeezed):
            return True
        if name == "attributename" and squeezed.startswith("on"):
            return True
        if name in _LINK_ATTRIBUTES and squeezed.startswith("data:") and not _SAFE_DATA_URL.match(squeezed):
            return True
    return False


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
