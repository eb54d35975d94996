"""/: a greeting, the person's organization and roles, what needs their attention now (machines down, late
work, SLA breaches, open NCRs, SPC alerts, each a card linking to where it is handled; services/home, read
for their roles) instead of a second copy of the navigation, and their plants with departments."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, empty_state, error_state, loading
from rxapp.i18n import _
from rxapp.state.home.attention import AttentionCard, HomeState
from rxapp.state.org.auth import AuthState, DepartmentInfo, PlantInfo
from services.core.access import Permission


def _department(dept: DepartmentInfo) -> rx.Component:
    return rx.badge(dept.code, " · ", dept.name, variant="surface", color_scheme="gray", size="2")


def _plant(plant: PlantInfo) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.icon("factory", size=20),
            rx.text(plant.name, weight="bold"),
            rx.badge(plant.code, variant="soft"),
            align="center", spacing="2", wrap="wrap",
        ),
        rx.text(_("Time zone"), ": ", plant.timezone, size="2", color_scheme="gray", margin_top="4px"),
        rx.cond(
            plant.departments.length() > 0,
            rx.flex(rx.foreach(plant.departments, _department), spacing="2", wrap="wrap", margin_top="8px"),
            rx.text(_("No departments yet."), size="2", color_scheme="gray", margin_top="8px"),
        ),
        width="100%",
    )


def _card(c: AttentionCard) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.icon(c.icon, size=24, color=rx.color(c.color, 11)),
                rx.box(rx.text(c.title, weight="bold"), rx.text(c.names, size="2", color_scheme="gray")),
                rx.spacer(),
                rx.icon("chevron-right", size=20, color=rx.color("gray", 10)),
                align="center", spacing="3", min_height=TOUCH,
            ),
            width="100%", border_left="4px solid var(--" + c.color + "-9)", _hover={"background": rx.color("accent", 2)},
        ),
        href=c.href, underline="none", data_testid="attention-" + c.kind.to(str),
    )


def _attention() -> rx.Component:
    return rx.box(
        rx.heading(_("Needs attention now"), size="4", as_="h2", margin_top="28px", margin_bottom="8px"),
        rx.cond(
            HomeState.attention_loading, loading(),
            rx.cond(HomeState.attention_error != "", error_state(HomeState.attention_error, HomeState.load_attention),
                    rx.cond(HomeState.cards.length() > 0,
                            rx.grid(rx.foreach(HomeState.cards, _card), columns=rx.breakpoints(initial="1", md="2"),
                                    spacing="3", width="100%"),
                            empty_state(_("Nothing needs your attention right now."), "circle-check"))),
        ),
        data_testid="attention",
    )


def home_page() -> rx.Component:
    return shell(
        rx.heading(_("Hello"), ", ", AuthState.display_name, size="7", as_="h1", data_testid="greeting"),
        rx.text(AuthState.organization_name, size="4", color_scheme="gray", data_testid="home-org"),
        rx.flex(
            rx.text(_("Your roles"), ":", weight="medium"),
            rx.foreach(AuthState.role_names, lambda role: rx.badge(role, size="2")),
            spacing="2", align="center", wrap="wrap", margin_top="12px",
        ),
        rx.cond(  # operators go straight to their machines
            AuthState.permissions.contains(Permission.RUN_JOBS.value),
            rx.link(rx.button(rx.icon("hard-hat", size=26), rx.text(_("Open your machines"), size="5", weight="bold"),
                              size="4", min_height="56px", width="100%"),
                    href=routes.OPERATOR, display="block", margin_top="20px", data_testid="home-operator"),
        ),
        _attention(),
        rx.heading(_("Your plants"), size="4", as_="h2", margin_top="28px", margin_bottom="8px"),
        rx.cond(
            AuthState.plants.length() > 0,
            rx.grid(rx.foreach(AuthState.plants, _plant), columns=rx.breakpoints(initial="1", md="2"), spacing="3",
                    width="100%"),
            empty_state(_("You have no plant access yet. Ask an admin to give you a plant."), "factory"),
        ),
    )
