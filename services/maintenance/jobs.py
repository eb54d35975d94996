"""The maintenance system job, run every minute by the backend's clock (rxapp/escalation.py) and by
`takt escalate`: raise tickets for long stops, generate due preventive tickets, then warn and escalate SLA
deadlines. Each part runs for every organization; rows are locked while they are handled."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from services.maintenance import plans, settings, sla
from services.maintenance import tickets as _tickets  # noqa: F401  (registers the workflow hooks)


def run_due(session: Session, *, now: datetime, organization_id: int | None = None) -> int:
    """Everything maintenance must do at `now` (for one organization, or all); how many tickets and notices it made."""
    return (settings.raise_for_long_stops(session, now=now, organization_id=organization_id)
            + plans.generate_due(session, now=now, organization_id=organization_id)
            + sla.check_due(session, now=now, organization_id=organization_id))
