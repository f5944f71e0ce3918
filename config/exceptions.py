"""The one error hierarchy. Services raise these; `config.api` renders them."""

from typing import Any


class ApplicationError(Exception):
    """A domain error with a stable `code` (part of the API) and an HTTP status."""

    code = "error"
    http_status = 400
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, extra: dict[str, Any] | None = None) -> None:
        self.message = str(message or self.default_message)
        self.extra = extra or {}
        super().__init__(self.message)


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409
    default_message = "The request conflicts with the current state."


class ServiceUnavailable(ApplicationError):
    """Overload or a lock timeout: the client should retry later."""

    code = "service_unavailable"
    http_status = 503
    default_message = "The service is busy. Please retry shortly."
    retry_after = 2
