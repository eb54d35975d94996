import pytest

from models.base import pk
from models.organization import Organization


def test_pk_returns_the_id_of_a_flushed_row():
    assert pk(Organization(id=7, name="Acme", slug="acme")) == 7


def test_pk_refuses_a_row_that_was_never_flushed():
    with pytest.raises(ValueError, match="Organization has no id yet"):
        pk(Organization(name="Acme", slug="acme"))
