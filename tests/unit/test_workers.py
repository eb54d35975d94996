"""TAKT_WORKERS and the event fan-out an app node chooses (services/core/workers.py), and the nginx site of
docs/deployment.md as the multi-node test renders it (bench/cluster.py)."""
from __future__ import annotations

import pytest

from bench.cluster import NGINX_CONF, render_nginx_site
from services.core.workers import WorkersConfigError, event_backend, worker_count

REDIS = {"REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0"}


def test_one_worker_without_redis_and_the_cores_with_it():
    assert worker_count({}, cores=8) == 1
    assert worker_count(REDIS, cores=8) == 8
    assert worker_count({**REDIS, "REFLEX_REDIS_URL": "  "}, cores=8) == 1


def test_takt_workers_sets_the_count():
    assert worker_count({**REDIS, "TAKT_WORKERS": "3"}, cores=8) == 3
    assert worker_count({"TAKT_WORKERS": "1"}, cores=8) == 1


@pytest.mark.parametrize(("value", "message"), [("two", "whole number"), ("0", "at least 1"), ("-2", "at least 1")])
def test_a_bad_count_is_refused_in_words(value, message):
    with pytest.raises(WorkersConfigError, match=message):
        worker_count({**REDIS, "TAKT_WORKERS": value})


def test_several_workers_need_redis():
    with pytest.raises(WorkersConfigError, match="needs REFLEX_REDIS_URL"):
        worker_count({"TAKT_WORKERS": "2"})


def test_events_fan_out_over_redis_when_reflex_state_is_there():
    assert event_backend({}) == "local"
    assert event_backend(REDIS) == "redis"
    assert event_backend({**REDIS, "TAKT_EVENT_BACKEND": "postgres"}) == "postgres"
    assert event_backend({"TAKT_EVENT_BACKEND": "local"}) == "local"


def test_the_documented_nginx_site_is_rendered_with_only_the_nodes_and_the_port_changed():
    documented = NGINX_CONF.read_text()
    rendered = render_nginx_site(documented, 18080, [18001, 18002, 18003])
    assert "listen 127.0.0.1:18080;" in rendered and "listen 80;" not in rendered
    for port in (18001, 18002, 18003):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" in rendered
    assert "server 127.0.0.1:8001" not in rendered
    kept = [line for line in documented.splitlines() if "listen 80;" not in line and "server 127.0.0.1:800" not in line]
    assert all(line in rendered.splitlines() for line in kept)
    with pytest.raises(ValueError, match="upstream takt_nodes"):
        render_nginx_site(documented.replace("listen 80;", "listen 8080;"), 1, [2])


class _Node:
    def __init__(self):
        self.me = self                      # a reference cycle: only the cyclic collector frees it


def test_the_startup_heap_is_frozen_after_its_garbage_is_collected():
    import gc
    import weakref

    from services.core.workers import freeze_startup_heap
    kept = _Node()
    dropped = _Node()
    gone = weakref.ref(dropped)
    del dropped
    try:
        frozen = freeze_startup_heap()
        assert gone() is None                                   # start-up garbage collected, not frozen
        assert 0 < gc.get_freeze_count() <= frozen      # other threads may free frozen objects since, never add
        assert not any(o is kept for g in range(3) for o in gc.get_objects(generation=g))   # left out of the GC
        later = _Node()
        assert any(o is later for o in gc.get_objects(generation=0))                       # new objects are not
    finally:
        gc.unfreeze()
