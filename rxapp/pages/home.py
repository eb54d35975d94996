"""/: a greeting, the person's organization, roles and plants (with departments), and a tile for
every page their permissions open. Everything shown comes from AuthState (services.org.profile)."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, empty_state
from rxapp.i18n import _
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


def _tile(item: routes.NavItem) -> rx.Component:
    return rx.cond(
        AuthState.permissions.contains(item.permission.value),
        rx.link(
            rx.card(
                rx.flex(
                    rx.icon(item.icon, size=24, color=rx.color("accent", 11)),
                    rx.box(
                        rx.text(item.label, weight="bold"),
                        rx.text(item.description, size="2", color_scheme="gray"),
                    ),
                    align="center", spacing="3", min_height=TOUCH,
                ),
                width="100%", _hover={"background": rx.color("accent", 2)},
            ),
            href=item.path, underline="none", data_testid=f"tile-{item.path.strip('/').replace('/', '-')}",
        ),
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
        rx.heading(_("Open"), size="4", as_="h2", margin_top="28px", margin_bottom="8px"),
        rx.grid(
            *[_tile(item) for item in routes.NAV if item.path != routes.HOME],
            columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3", width="100%",
        ),
        rx.heading(_("Your plants"), size="4", as_="h2", margin_top="28px", margin_bottom="8px"),
        rx.cond(
            AuthState.plants.length() > 0,
            rx.grid(rx.foreach(AuthState.plants, _plant), columns=rx.breakpoints(initial="1", md="2"), spacing="3",
                    width="100%"),
            empty_state(_("You have no plant access yet. Ask an admin to give you a plant."), "factory"),
        ),
    )
