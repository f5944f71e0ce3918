from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programme.models import Event
from ticketing.exceptions import CheckInListNotFound
from ticketing.models import CheckInList
from ticketing.services.checkin import device_create


class Command(BaseCommand):
    help = (
        "Register a door scanner device for an edition and print its API token (and nothing else). "
        "The token is shown only now; the device sends it as `Authorization: Device <token>`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", required=True, help="The edition's slug, e.g. sccon2019.")
        parser.add_argument("--name", required=True, help="A name the organisers recognise, e.g. 'Hall A, door 2'.")
        parser.add_argument("--list", dest="list_id", type=int, help="Id of the check-in list it scans for.")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the scan messages.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        event = Event.objects.filter(slug=options["event"]).first()
        if event is None:
            raise CommandError(f"No edition with the slug {options['event']!r}.")
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("The name must have 1 to 100 characters.")
        checkin_list = None
        if options["list_id"] is not None:
            checkin_list = CheckInList.objects.filter(event=event, pk=options["list_id"]).first()
            if checkin_list is None:
                raise CommandError(f"Edition {event.slug} has no check-in list {options['list_id']}.")
        try:
            _device, token = device_create(
                event=event, name=name, checkin_list=checkin_list, language=options["language"]
            )
        except CheckInListNotFound as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token)
