import pytest

from spbe.lounge import queue_selectors

from .queue_helpers import mall  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _forget_kept_lounges():
    """Each test has its own database: a lounge kept per process by an earlier test is not this one's."""
    queue_selectors.forget_kept()
    yield
    queue_selectors.forget_kept()
