from tests.factories import World


def test_world_builds(session):
    w = World(session)
    assert w.actor(w.admin_a).plant_ids == {w.plant1, w.plant2}
    assert w.actor(w.operator1).plant_ids == {w.plant1}
