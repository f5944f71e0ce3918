from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ticketing.audit import acting_as
from ticketing.services.privacy import ErasureBlocked, personal_data_erase, personal_data_export


class Command(BaseCommand):
    help = (
        "Erase the personal data of the person with this e-mail address (GDPR Art. 17): names, e-mails and "
        "billing addresses of their orders and tickets, their leads, calendar feeds and waiting lists. "
        "Invoices are kept as issued (8 years). Refused while they hold a ticket for an edition not yet over."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do it (without: say what would be erased).")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"]
        if not options["yes"]:
            data = personal_data_export(email=email)
            self.stdout.write(
                f"Would erase {len(data['orders'])} order(s) and {len(data['tickets'])} ticket(s) of {email}; "
                "run again with --yes."
            )
            return
        try:
            with acting_as("erase_personal_data"):
                done = personal_data_erase(email=email)
        except ErasureBlocked as exc:
            raise CommandError(f"{exc.message} Orders: {', '.join(exc.extra['orders'])}") from exc
        self.stdout.write(
            f"Erased {len(done.orders)} order(s) ({', '.join(done.orders) or '-'}) and {done.tickets} ticket(s); "
            f"invoices kept as issued: {', '.join(done.invoices_kept) or '-'}."
        )
