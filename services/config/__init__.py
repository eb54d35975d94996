"""Config: what admins shape without code, serving every domain above it (custom fields, type lists, the
workflow engine) and the notification centre with its mail outbox.

- custom_fields.py: custom field definitions per entity type (define, change, retire, delete) and an
  entity's values (validate, set, get); entity types register here;
- custom_field_values.py: one raw value cleaned to its canonical stored form, typed for exports, and
  the SQL clause that filters by a custom field (SQLite and PostgreSQL);
- custom_field_views.py: custom values in forms, as text people read, in exports, as list filters;
- form_layouts.py: an organization's form layout per entity (sections, order, required flags, help texts of
  built-in and custom fields) and the required check its entity's service runs; entities register their forms;
- type_lists.py: admin-editable pick lists (defect codes, dispositions, reasons ...) and their usages;
- workflow.py: the workflow engine's door: start, transition, approve, decline, reads, escalation;
- workflow_hooks.py: how entities plug in (fields, state mirror, label, watchers, link) and notices;
- workflow_guards.py: the guards of a transition (conditions, roles, comment) and their messages;
- workflow_instances.py: loading a workflow version and an instance; recording steps and due times;
- workflow_approvals.py: who has approved a pending transition and who still may;
- workflow_specs.py: workflows as plain data, checked and stored as a new version;
- workflow_defaults.py: the workflows Takt ships per entity type;
- workflow_names.py: the shipped workflow names and PO route texts read in the reader's language (an organization's own names as written);
- workflow_admin.py: admins read, save and lay out workflow versions;
- notifications.py: the in-app feed and e-mail preferences; `notify` / `notify_people`;
- mail_outbox.py: the SMTP sender of the outbox, with retries and backoff;
- invitations.py: admins invite people by email (one-time, expiring links through the outbox); accepting logs them in;
- events.py: the typed events of this package.

Invariants: config imports no domain above it; domains register with it (custom field entity types,
type list usages, workflow entity hooks) at import, and this `__init__` imports the registering modules
so registration never depends on import order. Definitions and workflows are versioned or retired,
never edited under an entity that uses them (a workflow instance stays on its version; a custom field's
key and type never change; a value or list in use is retired, never deleted). Reading definitions
needs VIEW, changing them CONFIGURE; a person reads and marks only their own notifications. Definition
changes and workflow steps are audited and announced; nothing here commits (the outbox sender's caller
commits each claim and each outcome).
"""
# Imported with the package so that custom fields' choice usage is registered with type_lists
# (type_lists.usage_count counts it) whichever config module is imported first.
from services.config import custom_fields  # noqa: F401
