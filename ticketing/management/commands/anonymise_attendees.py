from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ticketing.audit import acting_as
from ticketing.services.privacy import anonymise_ended_editions


class Command(BaseCommand):
    help = (
        "Anonymise buyers and attendees of every edition that ended more than ANONYMISE_AFTER_DAYS days ago "
        "(default 180): names, e-mails, billing addresses, leads. Invoices, payments and check-in counts stay. "
        "Safe to run daily from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Instead of ANONYMISE_AFTER_DAYS.")
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be anonymised.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.ANONYMISE_AFTER_DAYS
        with acting_as("anonymise_attendees"):
            done = anonymise_ended_editions(after_days=days, dry_run=options["dry_run"])
        verb = "Would anonymise" if options["dry_run"] else "Anonymised"
        for slug, erasure in done.items():
            self.stdout.write(f"{slug}: {verb} {len(erasure.orders)} order(s) and {erasure.tickets} ticket(s).")
        if not done:
            self.stdout.write(f"Nothing to anonymise (editions that ended more than {days} days ago are done).")
