import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ticketing.audit import acting_as
from ticketing.services.privacy import personal_data_export


class Command(BaseCommand):
    help = (
        "Print as JSON everything kept about the person with this e-mail address: orders, invoices, payments, "
        "tickets, check-ins, seats, leads about them (GDPR Art. 15)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as("export_personal_data"):
            data = personal_data_export(email=options["email"])
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
