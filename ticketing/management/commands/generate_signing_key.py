from typing import Any

from django.core.management.base import BaseCommand

from ticketing.signing import generate_seed


class Command(BaseCommand):
    help = (
        "Print a new TICKET_SIGNING_KEY value (base64 of a 32-byte Ed25519 seed) and nothing else. "
        "Changing the key invalidates every ticket code already issued."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_seed())
