"""Masking of a complainant's identity for public outputs: enough to recognise one's own ticket, no more.

Pure functions, no database. Every public page and API answer about a complaint shows only these forms:
``Budi Santoso`` -> ``Bu** S*****``, a NIK or phone number with only its last digits, an e-mail address
with its first character and top-level domain.
"""

from __future__ import annotations

NIK_VISIBLE = 4
PHONE_VISIBLE = 3


def _word(word: str, keep: int) -> str:
    # A word never shows all of itself: a two-letter name keeps one letter, a one-letter name none.
    keep = max(0, min(keep, len(word) - 1))
    return word[:keep] + "*" * (len(word) - keep)


def mask_name(name: str) -> str:
    """``Budi Santoso`` -> ``Bu** S*****``: two letters of the first word, one of each other word."""
    words = name.split()
    return " ".join(_word(w, 2 if i == 0 else 1) for i, w in enumerate(words))


def _tail(digits: str, visible: int) -> str:
    digits = "".join(c for c in digits if c.isdigit())
    if not digits:
        return ""
    shown = min(visible, max(0, len(digits) - 4))  # a short number shows at most what leaves 4 hidden
    return "*" * (len(digits) - shown) + digits[len(digits) - shown :]


def mask_nik(nik: str) -> str:
    """Sixteen digits, the last four shown: ``************0001``."""
    return _tail(nik, NIK_VISIBLE)


def mask_phone(phone: str) -> str:
    """Digits only, the last three shown: ``0812-3456-7890`` -> ``*********890``."""
    return _tail(phone, PHONE_VISIBLE)


def mask_email(email: str) -> str:
    """``budi.s@contoh.go.id`` -> ``b*****@******.**.id``: the first character and the top-level domain."""
    if "@" not in email:
        return _word(email, 1) if email else ""
    local, _sep, domain = email.rpartition("@")
    labels = domain.split(".")
    if len(labels) < 2:
        return f"{_word(local, 1)}@{'*' * len(domain)}"
    masked = ["*" * len(label) for label in labels[:-1]] + labels[-1:]
    return f"{_word(local, 1)}@{'.'.join(masked)}"
