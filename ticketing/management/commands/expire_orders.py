from typing import Any

from django.core.management.base import BaseCommand

from ticketing.audit import acting_as
from ticketing.services.orders import order_expire_due


class Command(BaseCommand):
    help = "Release unpaid orders past their deadline (safe to run from cron every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as("expire_orders"):
            count = order_expire_due()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} order(s) expired.")
