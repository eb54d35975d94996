"""The phone-camera scanner: `@yudiel/react-qr-scanner`'s `Scanner` as a client-only component.

Two things make it work on a plant network without internet, verified in headless Chromium:
- zxing's decoder (`zxing_reader.wasm`) is served from our own `assets/` instead of a public CDN:
  the dynamic import calls `setZXingModuleOverrides` with a `locateFile` pointing at it. The file
  must match the `zxing-wasm` version the scanner's `barcode-detector` pins (reflex.lock keeps it).
- the default constraints ask for 640x640, which many cameras (and Chromium's fake camera) refuse:
  we ask for the environment-facing camera at 1280x720 ideally.
`on_scan` receives the first decoded text of each detection.
"""
from __future__ import annotations

import json

import reflex as rx
from reflex.vars import Var

LIBRARY = "@yudiel/react-qr-scanner@2.6.0"
WASM_PATH = "/zxing_reader.wasm"
ZXING_WASM_VERSION = "3.1.3"     # assets/zxing_reader.wasm comes from this zxing-wasm (pinned in reflex.lock)
CONSTRAINTS = {"facingMode": "environment", "width": {"ideal": 1280}, "height": {"ideal": 720}}


def _first_code(codes: Var) -> tuple[Var[str]]:
    return (Var(f"(({codes})?.[0]?.rawValue ?? '')", _var_type=str),)


def _error_text(error: Var) -> tuple[Var[str]]:
    return (Var(f"String(({error})?.message ?? {error})", _var_type=str),)


class CameraScanner(rx.NoSSRComponent):
    library = LIBRARY
    tag = "Scanner"
    is_default = False

    constraints: rx.Var[dict]
    formats: rx.Var[list[str]]
    paused: rx.Var[bool]
    sound: rx.Var[bool]
    allow_multiple: rx.Var[bool]
    scan_delay: rx.Var[int]
    styles: rx.Var[dict]

    on_scan: rx.EventHandler[_first_code]
    on_error: rx.EventHandler[_error_text]

    def _get_dynamic_imports(self) -> str:
        locate = (f"(path, prefix) => path.endsWith('.wasm') ? {json.dumps(WASM_PATH)} : prefix + path")
        return (f"const {self.tag} = ClientSide(() => import('@yudiel/react-qr-scanner').then((mod) => "
                f"{{ mod.setZXingModuleOverrides({{ locateFile: {locate} }}); return mod.{self.tag}; }}), "
                f"{json.dumps(self.tag)})")


def camera_scanner(on_scan, on_error, *, paused: rx.Var | bool = False) -> rx.Component:
    return CameraScanner.create(
        on_scan=on_scan, on_error=on_error, paused=paused, constraints=CONSTRAINTS,
        formats=["qr_code", "code_128"], sound=False, allow_multiple=False,
        styles={"container": {"width": "100%", "maxWidth": "480px", "aspectRatio": "16 / 9"}},
    )
