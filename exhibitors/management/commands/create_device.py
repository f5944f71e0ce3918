"""`create_device`: a door scanner, or with `--exhibitor` that exhibitor's lead scanner.

It lives in the exhibitors app (not in ticketing) because a lead scanner belongs to an exhibitor
and ticketing must not import exhibitors; door scanners are made exactly as before.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exhibitors.models import Exhibitor
from exhibitors.services.booking import lead_device_create
from programme.models import Event
from ticketing.exceptions import CheckInListNotFound
from ticketing.models import CheckInList
from ticketing.services.checkin import device_create


class Command(BaseCommand):
    help = (
        "Register a scanner device for an edition and print its API token (and nothing else): a door "
        "scanner, or with --exhibitor that exhibitor's lead scanner. The token is shown only now; the "
        "device sends it as `Authorization: Device <token>`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", required=True, help="The edition's slug, e.g. sccon2019.")
        parser.add_argument("--name", required=True, help="A name the organisers recognise, e.g. 'Hall A, door 2'.")
        parser.add_argument("--list", dest="list_id", type=int, help="Id of the check-in list it scans for.")
        parser.add_argument(
            "--exhibitor",
            metavar="SLUG",
            help="The exhibitor's short name: registers that exhibitor's lead scanner instead of a door scanner.",
        )
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
        if options["exhibitor"] is not None:
            if options["list_id"] is not None:
                raise CommandError("A lead scanner scans no check-in list: leave out --list.")
            exhibitor = Exhibitor.objects.select_related("event").filter(event=event, slug=options["exhibitor"]).first()
            if exhibitor is None:
                raise CommandError(f"Edition {event.slug} has no exhibitor {options['exhibitor']!r}.")
            _device, token = lead_device_create(exhibitor=exhibitor, name=name, language=options["language"])
            self.stdout.write(token)
            return
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
