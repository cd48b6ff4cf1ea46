from .queue_helpers import mall  # noqa: F401 (fixture)
