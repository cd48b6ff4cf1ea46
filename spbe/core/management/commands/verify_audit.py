"""``spbe verify_audit``: check every audit hash chain; exit 1 naming the first broken entry of each."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spbe.core.audit import UNSEALED_GRACE, verify


def _expected(values: list[str]) -> dict[str, tuple[int, str]]:
    expect: dict[str, tuple[int, str]] = {}
    for value in values:
        parts = value.rsplit(":", 2)
        if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit() or len(parts[2]) != 64:
            raise CommandError(
                f"--expect-head '{value}' must be CHAIN:SEQ:HASH as printed by an earlier run "
                "(CHAIN is the pemda code, or 'platform')"
            )
        chain = "" if parts[0] == "platform" else parts[0]
        expect[chain] = (int(parts[1]), parts[2])
    return expect


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chains (one per pemda, plus the platform's), each up to the head it "
        "had when the check started; safe to run while the system is in use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", help="verify only this pemda's chain ('platform' for the platform's)")
        parser.add_argument(
            "--expect-head",
            action="append",
            default=[],
            metavar="CHAIN:SEQ:HASH",
            help="a head printed by an earlier run and kept elsewhere: the chain must still contain it",
        )
        parser.add_argument(
            "--unsealed-grace",
            type=float,
            default=UNSEALED_GRACE.total_seconds(),
            metavar="SECONDS",
            help="report entries committed but still not sealed into their chain after this long "
            "(default: 60; their writer stopped between commit and seal: run 'spbe seal_audit')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = options["pemda"]
        if pemda == "platform":
            pemda = ""
        result = verify(
            pemda_code=pemda,
            expect=_expected(options["expect_head"]),
            grace=dt.timedelta(seconds=options["unsealed_grace"]),
        )
        for chain in result.chains:
            name = chain.pemda_code or "platform"
            if chain.ok:
                self.stdout.write(
                    f"{name}: intact, {chain.count} entries, head {name}:{chain.head_seq}:{chain.head_hash}"
                )
            else:
                self.stderr.write(
                    f"{name}: broken at entry #{chain.broken_seq}: {chain.reason}; "
                    f"{chain.count} entries before it are intact"
                )
        for code, count in sorted(result.unsealed.items()):
            name = code or "platform"
            stale = result.stale.get(code, 0)
            line = f"{name}: {count} entries committed and not yet sealed into the chain"
            if stale:
                self.stderr.write(f"{line}, {stale} of them for too long; run 'spbe seal_audit'")
            else:
                self.stdout.write(line + " (sealed right after their commit)")
        if result.broken:
            first = result.broken[0]
            name = first.pemda_code or "platform"
            raise CommandError(f"Audit chain {name} broken at entry #{first.broken_seq}: {first.reason}.")
        if result.stale:
            stale = sum(result.stale.values())
            raise CommandError(
                f"{stale} audit entries were committed but never sealed into their chain; "
                "run 'spbe seal_audit' and verify again."
            )
        self.stdout.write(f"Audit chains intact: {result.count} entries in {len(result.chains)} chains")
