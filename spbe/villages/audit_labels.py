"""The villages app's audit labels, by module (read by ``spbe.core.audit_labels``)."""

from . import (
    audit_labels_books,  # noqa: F401
    audit_labels_entry,  # noqa: F401
    audit_labels_stages,  # noqa: F401
    audit_labels_transfers,  # noqa: F401
)
