"""rxapp/api/errors.py maps every domain error to an HTTP status: each DomainError subclass defined under
services/ resolves through a row of its own or of a parent other than the bare DomainError, and the
statuses are the ones the errors carried before the table replaced their `http_status` attributes."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import services
from rxapp.api.errors import STATUS, MalformedJson, mapped_class, status_for
from services.core.errors import DomainError

# The statuses the API answered before the mapping moved here (the `http_status` class attributes).
BEFORE = {"DomainError": 400, "Invalid": 422, "NotFound": 404, "Forbidden": 403, "Conflict": 409, "Unauthorized": 401,
          "RateLimited": 429, "Unavailable": 503, "TooLarge": 413, "ImportRejected": 422, "InvalidTransition": 409,
          "LabelError": 422, "_Repeat": 409}


def service_errors() -> list[type[DomainError]]:
    """Every DomainError subclass (DomainError included) defined in a module under services/."""
    found: dict[str, type[DomainError]] = {}
    for info in pkgutil.walk_packages(services.__path__, "services."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, DomainError) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


ERRORS = service_errors()


@pytest.mark.parametrize("error_class", [c for c in ERRORS if c is not DomainError], ids=lambda c: c.__qualname__)
def test_every_service_error_has_a_status_of_its_own_or_its_parents(error_class):
    assert mapped_class(error_class) is not DomainError, (
        f"{error_class.__module__}.{error_class.__qualname__} resolves only through DomainError's generic 400: "
        "give it (or a parent) a row in rxapp/api/errors.py STATUS")


def test_statuses_are_the_ones_the_errors_carried_before():
    by_name = {c.__qualname__: c for c in ERRORS}
    assert set(BEFORE) <= set(by_name), f"error classes gone from services/: {set(BEFORE) - set(by_name)}"
    assert {name: STATUS[mapped_class(by_name[name])] for name in BEFORE} == BEFORE
    assert status_for(by_name["RateLimited"]("Slow down.", retry_after_seconds=1)) == 429
    assert status_for(by_name["InvalidTransition"]("Cannot.")) == 409
    assert status_for(MalformedJson("Not JSON.")) == 400


def test_the_most_specific_row_wins():
    class Refused(DomainError):
        pass

    class Gone(Refused):
        pass

    STATUS[Refused] = 410
    try:
        assert status_for(Gone("x")) == 410
        assert mapped_class(Gone) is Refused
    finally:
        del STATUS[Refused]
    assert status_for(Gone("x")) == 400
