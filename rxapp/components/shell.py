"""The app shell around every signed-in page.

Desktop (>= 768 px): a sidebar with the organization's logo, name and colour, the navigation the
person's permissions allow, and a user menu. Phone: a top bar in the organization's colour with a
menu button opening a drawer (the same navigation, account and log-out), touch targets >= 48 px.
The organization's colour also becomes the theme accent (a style sheet from AuthState.brand_css).
"""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.ui import TOUCH, loading
from rxapp.i18n import LANGUAGE_NAMES, SUPPORTED, _
from rxapp.state.config.notifications import NotificationBadgeState
from rxapp.state.org.auth import AuthState

SIDEBAR_WIDTH = "248px"
DESKTOP_FLEX = ["none", "none", "flex"]
PHONE_FLEX = ["flex", "flex", "none"]


def brand_style() -> rx.Component:
    return rx.el.style(AuthState.brand_css)


def _logo(size: str = "32px") -> rx.Component:
    return rx.cond(
        AuthState.brand_logo != "",
        rx.image(src=AuthState.brand_logo, height=size, max_width="120px", object_fit="contain", alt=""),
        rx.icon("factory", size=24),
    )


def _brand(height: str) -> rx.Component:
    return rx.flex(
        _logo(),
        rx.text(AuthState.brand_name, weight="bold", size="3", line_height="1.25",
                style={"display": "-webkit-box", "WebkitLineClamp": "2", "WebkitBoxOrient": "vertical",
                       "overflow": "hidden", "overflowWrap": "anywhere"}),
        align="center", spacing="2", min_height=height, min_width="0",
        color=AuthState.brand_text_color, data_testid="brand",
    )


def allowed(item: routes.NavItem) -> rx.Var:
    """Whether the signed-in person holds any of the item's permissions."""
    first, *rest = item.permissions
    shown = AuthState.permissions.contains(first.value)
    for permission in rest:
        shown = shown | AuthState.permissions.contains(permission.value)
    return shown


def _nav_link(item: routes.NavItem, *, phone: bool) -> rx.Component:
    active = AuthState.router.url.path == item.path
    link = rx.link(
        rx.flex(
            rx.icon(item.icon, size=20),
            rx.text(item.label, size="3" if phone else "2", weight="medium"),
            align="center", spacing="3", padding_x="12px", min_height=TOUCH if phone else "40px",
            border_radius="8px", width="100%",
            background=rx.cond(active, rx.color("accent", 4), "transparent"),
            color=rx.cond(active, rx.color("accent", 12), rx.color("gray", 12)),
            _hover={"background": rx.color("accent", 3)},
        ),
        href=item.path, underline="none", width="100%", aria_current=rx.cond(active, "page", ""),
        data_testid=f"nav-{item.path.strip('/').replace('/', '-') or 'home'}",
    )
    return rx.cond(allowed(item), rx.drawer.close(link, width="100%") if phone else link)


def _navigation(*, phone: bool) -> rx.Component:
    parts: list[rx.Component] = []
    seen_sections: list[str] = []
    for item in routes.NAV:
        if item.section and item.section not in seen_sections:
            seen_sections.append(item.section)
            members = [i for i in routes.NAV if i.section == item.section]
            any_allowed = allowed(members[0])
            for member in members[1:]:
                any_allowed = any_allowed | allowed(member)
            parts.append(rx.cond(any_allowed, rx.text(item.section, size="1", weight="bold", color_scheme="gray",
                                                     padding="16px 12px 4px", text_transform="uppercase")))
        parts.append(_nav_link(item, phone=phone))
    return rx.el.nav(rx.flex(*parts, direction="column", spacing="1", width="100%"), aria_label=_("Main"), width="100%")


def _language_items() -> list[rx.Component]:
    """English, 日本語, 한국어: each named in its own language, the tab's language checked."""
    return [rx.menu.item(rx.flex(rx.cond(AuthState.lang == code, rx.icon("check", size=16), rx.box(width="16px")),
                                 LANGUAGE_NAMES[code], align="center", spacing="2"),
                         on_click=AuthState.choose_language(code), data_testid=f"language-{code}")
            for code in SUPPORTED]


def _language_buttons() -> rx.Component:
    """The same switch in the phone drawer, as touch-sized buttons."""
    return rx.flex(
        *[rx.button(LANGUAGE_NAMES[code], on_click=AuthState.choose_language(code), size="3", min_height=TOUCH,
                    variant=rx.cond(AuthState.lang == code, "solid", "soft"), flex="1",
                    data_testid=f"drawer-language-{code}") for code in SUPPORTED],
        role="group", aria_label=_("Language"), spacing="2", width="100%",
    )


def _user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user-round", size=20),
                rx.text(AuthState.display_name, overflow="hidden", text_overflow="ellipsis", white_space="nowrap"),
                variant="ghost", color_scheme="gray", size="3", width="100%", justify="start",
                data_testid="user-menu",
            ),
        ),
        rx.menu.content(
            rx.menu.item(AuthState.organization_name, disabled=True),
            rx.menu.item(_("Account"), on_click=rx.redirect(routes.ACCOUNT)),
            rx.menu.separator(),
            rx.text(_("Language"), size="1", weight="bold", color_scheme="gray", padding="4px 12px"),
            *_language_items(),
            rx.menu.separator(),
            rx.menu.item(_("Log out"), color="red", on_click=AuthState.logout, data_testid="logout"),
        ),
    )


def _bell(*, phone: bool) -> rx.Component:
    """The notification centre's link with the live unread count (rxapp/state/config/notifications.py)."""
    count = NotificationBadgeState.unread
    shown = rx.cond(count > 99, "99+", count.to(str))
    return rx.link(
        rx.box(
            rx.icon("bell", size=22),
            rx.cond(count > 0, rx.badge(shown, color_scheme="red", variant="solid",
                                        radius="full", size="1", position="absolute", top="2px", right="0px",
                                        data_testid="unread-badge")),
            position="relative", display="flex", align_items="center", justify_content="center",
            min_width=TOUCH, min_height=TOUCH if phone else "40px",
            color=AuthState.brand_text_color if phone else rx.color("gray", 12),
        ),
        # the name holds the count the badge shows (WCAG 2.5.3, label in name)
        href=routes.NOTIFICATIONS, aria_label=rx.cond(count > 0, f"{_('Notifications')}: {shown}", _("Notifications")),
        on_mount=NotificationBadgeState.follow,
        data_testid="bell-phone" if phone else "bell",
    )


def _sidebar() -> rx.Component:
    return rx.flex(
        rx.box(_brand("64px"), background=AuthState.brand_color, padding_x="16px"),
        rx.box(_navigation(phone=False), padding="12px", flex="1", overflow_y="auto"),
        rx.flex(rx.box(_user_menu(), flex="1", min_width="0"), _bell(phone=False), align="center", spacing="1",
                padding="12px", border_top=f"1px solid {rx.color('gray', 5)}"),
        direction="column", width=SIDEBAR_WIDTH, min_width=SIDEBAR_WIDTH, height="100vh", position="sticky", top="0",
        background=rx.color("gray", 2), border_right=f"1px solid {rx.color('gray', 5)}",
        display=DESKTOP_FLEX, data_testid="sidebar",
    )


def _drawer() -> rx.Component:
    return rx.drawer.root(
        rx.drawer.trigger(
            rx.icon_button(rx.icon("menu", size=24), variant="ghost", size="4", aria_label=_("Open the menu"),
                           min_width=TOUCH, min_height=TOUCH, margin="0", color=AuthState.brand_text_color,
                           data_testid="menu-button"),
        ),
        rx.drawer.overlay(z_index="40", background="rgba(0, 0, 0, 0.4)"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.flex(
                    rx.box(_brand("56px"), background=AuthState.brand_color, padding_x="16px"),
                    rx.box(rx.drawer.title(AuthState.display_name, size="3"),
                           rx.text(AuthState.organization_name, size="2", color_scheme="gray"), padding="12px 16px 0"),
                    rx.box(_navigation(phone=True), padding="8px 12px", flex="1", overflow_y="auto"),
                    rx.box(_language_buttons(), padding="12px", border_top=f"1px solid {rx.color('gray', 5)}"),
                    rx.box(
                        rx.button(rx.icon("log-out", size=20), _("Log out"), on_click=AuthState.logout, variant="soft",
                                  color_scheme="red", size="3", width="100%", min_height=TOUCH,
                                  data_testid="drawer-logout"),
                        padding="12px", border_top=f"1px solid {rx.color('gray', 5)}",
                    ),
                    direction="column", height="100%", width="100%", background=rx.color("gray", 1),
                ),
                width="min(300px, 85vw)", height="100%", right="auto", data_testid="drawer",
            ),
        ),
        direction="left",
    )


def _topbar() -> rx.Component:
    return rx.flex(
        _drawer(),
        _brand("56px"),
        rx.spacer(),
        _bell(phone=True),
        align="center", spacing="1", padding_x="4px", min_height="56px", position="sticky", top="0", z_index="10",
        background=AuthState.brand_color, display=PHONE_FLEX, data_testid="topbar",
    )


def _checking() -> rx.Component:
    return rx.center(loading(_("Checking your session…")), min_height="100vh")


def _demo_banner() -> rx.Component:
    """While users remain on the demo's published password: who they are, and for them the way out."""
    return rx.cond(
        AuthState.demo_users.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.flex(
                rx.callout.text(
                    _("Demo accounts with published passwords exist:"), " ",
                    rx.text.strong(AuthState.demo_users.join(", ")), ". ",
                    _("Anyone can sign in as them: change their passwords or deactivate them."),
                ),
                rx.cond(AuthState.password_change_required, rx.callout.text(
                    _("You are one of them: until you change your password you can look but not change anything."),
                    " ", rx.link(_("Change your password"), href=routes.ACCOUNT, weight="bold"),
                )),
                direction="column", spacing="1",
            ),
            color_scheme="amber", role="alert", margin_bottom="16px", data_testid="demo-banner",
        ),
    )


def shell(*children: rx.Component) -> rx.Component:
    """A signed-in page; until the session is confirmed, a spinner."""
    return rx.fragment(
        brand_style(),
        rx.cond(
            AuthState.signed_in,
            rx.flex(
                _sidebar(),
                rx.box(
                    _topbar(),
                    rx.el.main(
                        rx.box(_demo_banner(), *children, width="100%", max_width="1200px", margin_x="auto"),
                        padding=["16px", "16px", "24px 32px"], width="100%",
                    ),
                    flex="1", min_width="0",
                ),
                width="100%", min_height="100vh", overflow_x="clip",
            ),
            _checking(),
        ),
    )
