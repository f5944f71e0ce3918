from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketingConfig(AppConfig):
    name = "ticketing"
    verbose_name = _("Ticketing")

    def ready(self) -> None:
        from config import tasks as worker_connections
        from programme.signals import release_published
        from ticketing import (
            audit,
            checks,  # noqa: F401  (registers the system checks)
        )
        from ticketing.services import hooks

        release_published.connect(hooks.release_published, dispatch_uid="ticketing-agenda-release")
        worker_connections.connect()
        audit.register_ticketing()
