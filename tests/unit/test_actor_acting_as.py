"""Actor.acting_as: a person acting through another role's code path (a technician stopping a machine through
the operator's path) holds exactly that role's built-in permissions, at the same plants, in the same
department scope; what the organization granted their own roles does not come along."""
from __future__ import annotations

from models.user import Role
from services.core.access import Actor, Permission, default_permissions


def test_acting_as_an_operator_keeps_the_person_and_plants_and_drops_their_grants():
    technician = Actor(user_id=7, organization_id=3, roles=frozenset({Role.MAINTENANCE}), plant_ids=frozenset({1, 2}),
                       username="tech", role_permissions=frozenset({Permission.VIEW, Permission.VIEW_AUDIT}),
                       plant_permissions=((1, frozenset({Permission.SUPERVISE})),), department_ids=frozenset({9}),
                       role_names=("Line lead Berlin",))
    floor = technician.acting_as(Role.OPERATOR)
    assert (floor.user_id, floor.organization_id, floor.username, floor.plant_ids) == (7, 3, "tech", frozenset({1, 2}))
    assert floor.everywhere == default_permissions(frozenset({Role.OPERATOR}))
    assert floor.can(Permission.RUN_JOBS, plant_id=1) and floor.can(Permission.RUN_JOBS, plant_id=2)
    assert not floor.can(Permission.SUPERVISE, plant_id=1)        # the plant grant of their own role stays behind
    assert not floor.can(Permission.VIEW_AUDIT)
    assert not floor.can(Permission.RUN_JOBS, plant_id=5)         # not a plant of theirs
    assert floor.department_ids == frozenset({9}) and floor.role_names == ()
    assert technician.roles == frozenset({Role.MAINTENANCE})      # the original is unchanged
