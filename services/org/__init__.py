"""Org: tenants and the people and machines that act in them.

- organizations.py: organizations (tenants) and the CLI's system actor;
- plants.py: plants and their departments;
- users.py: users, their roles and plant access, deactivation and password resets;
- roles.py: roles as data: the built-in templates and custom roles, the permission matrix and its sentences;
- settings.py: the organization's settings (regional defaults, numbering patterns, retention) and their history;
- retention.py: the retention purge of audit entries and notifications from those settings;
- role_grants.py: roles granted at a plant (optionally a department), and the access a person's roles add up to;
- passwords.py: password hashing (argon2id) and the password policy;
- auth.py: log-in with throttling and the second factor's step, sessions, log-out and password change;
- two_factor.py: authenticator (TOTP) enrolment, single-use recovery codes, the organization's 2FA policy;
- lockouts.py: log-in throttles as admins see and clear them;
- demo_users.py: the demo's people on its published password, who write nothing outside demo mode until they change it;
- api_tokens.py: API tokens for gateways, scanning stations and displays;
- tokens.py: random bearer tokens, stored only as SHA-256 hashes;
- identity.py: who the caller of a door is (`GET /api/v1/me`);
- profile.py: what a signed-in person sees about themselves;
- languages.py: a person's own language (the organization's default is in its settings);
- branding.py: an organization's display name, colour and logo;
- pdf.py: printable documents (fpdf2) in an organization's branding, every string through one font decision;
- events.py: the typed events of this package.

Invariants: everything belongs to one organization, and another organization's rows are NotFound;
only admins' permissions (MANAGE_USERS, MANAGE_PLANTS, MANAGE_API_TOKENS, MANAGE_BRANDING) change
users, plants, tokens, branding and the two-factor policy; tokens, sessions, log-in challenges and recovery
codes are stored only as hashes; plants and users
are deactivated, never deleted, and admins cannot deactivate themselves or drop their own admin role; every change
is audited and announced, and nothing here commits.
"""
from services.org import demo_users  # noqa: F401  (registers its writer check with services/core/writers.py)
