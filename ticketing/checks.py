"""System checks of the ticket shop's configuration (run by `manage.py check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def signing_key_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    from ticketing.signing import _seed_from_setting

    if not settings.TICKET_SIGNING_KEY:
        return [
            Error(
                "TICKET_SIGNING_KEY is not set: tickets cannot be signed.",
                hint="Run `python manage.py generate_signing_key` and set its output in the environment.",
                id="ticketing.E001",
            )
        ]
    try:
        _seed_from_setting(settings.TICKET_SIGNING_KEY)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="ticketing.E002")]
    return []
