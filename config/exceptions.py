"""The one error hierarchy. Services raise these; `config.api` renders them."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A domain error with a stable `code` (part of the API) and an HTTP status."""

    code = "error"
    http_status = 400
    default_message: str | Promise = _("The request could not be processed.")
    # Seconds after which trying again makes sense (sent as `Retry-After`); None: not a matter of time.
    retry_after: int | None = None

    def __init__(self, message: str | Promise | None = None, *, extra: dict[str, Any] | None = None) -> None:
        # Lazy messages are translated here, in the language of the request being answered.
        self.message = str(message or self.default_message)
        self.extra = extra or {}
        super().__init__(self.message)


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class ServiceUnavailable(ApplicationError):
    """Overload or a lock timeout: the client should retry later."""

    code = "service_unavailable"
    http_status = 503
    default_message = _("The service is busy. Please retry shortly.")
    retry_after: int | None = 2
