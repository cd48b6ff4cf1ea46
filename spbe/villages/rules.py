"""Pure rules of the village chart of accounts (Permendagri 20/2018): which side of the budget an account
is on. No database."""

from __future__ import annotations


def is_receipt_side(account: str) -> bool:
    """Revenue (4.x) and financing receipts (6.1.x): realised by what comes in (credit - debit)."""
    return account == "4" or account.startswith("4.") or account == "6.1" or account.startswith("6.1.")


def is_expenditure_side(account: str) -> bool:
    """Expenditure (5.x) and financing expenditure (6.2.x): realised by what goes out (debit - credit)."""
    return account == "5" or account.startswith("5.") or account == "6.2" or account.startswith("6.2.")


def ancestors(code: str) -> list[str]:
    """Every level of an account code from the top down, the code itself last: 4.2.1.01 -> 4, 4.2, ..."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
