"""The theme lives in rxconfig's Radix plugin, with the accent the runtime branding overrides."""
import rxconfig
from rxapp.state.theme import BASE_ACCENT


def test_the_radix_theme_plugin_carries_the_base_accent():
    [plugin] = [p for p in rxconfig.config.plugins if type(p).__name__ == "RadixThemesPlugin"]
    assert plugin.theme.accent_color._var_value == BASE_ACCENT
