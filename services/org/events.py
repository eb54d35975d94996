"""The organization domain's events, one class per name (services/core/events.py: typed events):
organizations, plants, departments, users and their sessions, API tokens, branding."""
from __future__ import annotations

from dataclasses import dataclass, field

from services.core.events import DomainEvent, event_type

__all__ = [
    "ApiTokenCreated", "ApiTokenRevoked", "BrandingUpdated", "DepartmentCreated", "DepartmentUpdated",
    "OrganizationCreated", "OrganizationUpdated", "PlantCreated", "PlantUpdated", "UserActivated", "UserCreated", "UserDeactivated",
    "UserEvent", "UserLanguageChanged", "UserLoggedIn", "UserPasswordChanged",
    "UserPasswordReset", "UserUpdated",
]


@event_type
@dataclass(frozen=True, kw_only=True)
class OrganizationCreated(DomainEvent):
    """A new tenant: its id is the event's organization_id (the payload is empty)."""
    NAME = "organization.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class OrganizationUpdated(DomainEvent):
    """An organization renamed (either of its names)."""
    NAME = "organization.updated"
    fields: list[str] = field(default_factory=list)      # the names of the fields that changed


@dataclass(frozen=True, kw_only=True)
class _PlantEvent(DomainEvent):
    plant_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class PlantCreated(_PlantEvent):
    NAME = "plant.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class PlantUpdated(_PlantEvent):
    NAME = "plant.updated"


@dataclass(frozen=True, kw_only=True)
class _DepartmentEvent(DomainEvent):
    department_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class DepartmentCreated(_DepartmentEvent):
    NAME = "department.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class DepartmentUpdated(_DepartmentEvent):
    NAME = "department.updated"


@dataclass(frozen=True, kw_only=True)
class UserEvent(DomainEvent):
    """Something happened to one user's account."""
    user_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class UserCreated(UserEvent):
    NAME = "user.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class UserUpdated(UserEvent):
    NAME = "user.updated"
    fields: list[str] = field(default_factory=list)      # the names of the fields that changed


@event_type
@dataclass(frozen=True, kw_only=True)
class UserActivated(UserEvent):
    NAME = "user.activated"


@event_type
@dataclass(frozen=True, kw_only=True)
class UserDeactivated(UserEvent):
    NAME = "user.deactivated"


@event_type
@dataclass(frozen=True, kw_only=True)
class UserPasswordReset(UserEvent):
    NAME = "user.password_reset"


@event_type
@dataclass(frozen=True, kw_only=True)
class UserPasswordChanged(UserEvent):
    NAME = "user.password_changed"


@event_type
@dataclass(frozen=True, kw_only=True)
class UserLoggedIn(UserEvent):
    NAME = "user.logged_in"


@dataclass(frozen=True, kw_only=True)
class _ApiTokenEvent(DomainEvent):
    api_token_id: int


@event_type
@dataclass(frozen=True, kw_only=True)
class ApiTokenCreated(_ApiTokenEvent):
    NAME = "api_token.created"


@event_type
@dataclass(frozen=True, kw_only=True)
class ApiTokenRevoked(_ApiTokenEvent):
    NAME = "api_token.revoked"


@event_type
@dataclass(frozen=True, kw_only=True)
class BrandingUpdated(DomainEvent):
    NAME = "branding.updated"


@event_type
@dataclass(frozen=True, kw_only=True)
class UserLanguageChanged(UserEvent):
    NAME = "user.language_changed"
    language: str | None
