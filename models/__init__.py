"""Takt's tables. Importing this package registers every table on `SQLModel.metadata`."""
from models.audit import AuditEntry
from models.auth import ApiToken, ApiTokenKind, AuthSession, LoginAttempt
from models.base import TimestampMixin, UTCDateTime, utcnow
from models.organization import Department, Organization, OrganizationBranding, Plant
from models.user import Role, RoleAssignment, User, UserPlantAccess

__all__ = [
    "ApiToken", "ApiTokenKind", "AuditEntry", "AuthSession", "Department", "LoginAttempt",
    "Organization", "OrganizationBranding", "Plant", "Role", "RoleAssignment", "TimestampMixin",
    "User", "UserPlantAccess", "UTCDateTime", "utcnow",
]
