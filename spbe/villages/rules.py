"""Pure rules of village budgets (Permendagri 20/2018): which side of the budget an account is on, and
what an APBDes must satisfy to be adopted. No database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from spbe.core.money import format_rupiah


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


#: Sub-bidang 01.01: siltap, allowances and operations of the village government and the BPD, and the
#: RT/RW incentives; PP 11/2019 art. 100 caps it at 30% of expenditure (the 70:30 rule).
GOVERNMENT_SUB_BIDANG = "01.01"
GOVERNMENT_CAP_NUMERATOR, GOVERNMENT_CAP_DENOMINATOR = 3, 10


@dataclass(frozen=True)
class Totals:
    revenue: Decimal
    expenditure: Decimal
    financing_in: Decimal
    financing_out: Decimal
    government: Decimal  # expenditure of sub-bidang 01.01

    @property
    def surplus(self) -> Decimal:
        return self.revenue - self.expenditure + self.financing_in - self.financing_out


def budget_problems(totals: Totals) -> list[str]:
    """What stops a draft from being adopted: an unbalanced budget, the 70:30 rule broken."""
    problems = []
    if totals.surplus != 0:
        problems.append(
            _("APBDes tidak seimbang: pendapatan - belanja + pembiayaan netto = %(surplus)s, seharusnya 0.")
            % {"surplus": format_rupiah(totals.surplus)}
        )
    # Compared in whole numbers (government x 10 <= expenditure x 3): no division, no rounding.
    if totals.government * GOVERNMENT_CAP_DENOMINATOR > totals.expenditure * GOVERNMENT_CAP_NUMERATOR:
        problems.append(
            _(
                "Belanja penghasilan tetap, tunjangan dan operasional pemerintah desa dan BPD (sub bidang "
                "01.01) %(government)s melebihi 30%% dari belanja %(expenditure)s."
            )
            % {
                "government": format_rupiah(totals.government),
                "expenditure": format_rupiah(totals.expenditure),
            }
        )
    return problems
