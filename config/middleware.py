"""Site-wide request plumbing: a database lock timeout answers 503 and a rate limit 429, both
with `Retry-After`.

The API's exception handler (`config.api`) and the shop's order form render a lock timeout
themselves; this middleware does the same for every other page (the order page, admin actions,
check-in …), so a row lock held too long never shows up as a 500. A page refused by a rate
limit (`config.ratelimit.RateLimited`) gets the "too many requests" page.
"""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from config.exceptions import ApplicationError, ServiceUnavailable
from config.ratelimit import RateLimited

logger = logging.getLogger(__name__)

# PostgreSQL: lock_not_available (lock_timeout, NOWAIT) and deadlock_detected. Both leave nothing
# behind (the transaction is rolled back) and succeed when tried again.
LOCK_SQLSTATES = frozenset({"55P03", "40P01"})
# SQLite: SQLITE_BUSY ("database is locked", after the busy timeout) and SQLITE_LOCKED.
SQLITE_LOCK_CODES = frozenset({5, 6})


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error means "waited too long for a lock": PostgreSQL by SQLSTATE (its
    messages may be translated on the server), SQLite by its "database is locked" message."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)  # psycopg 3 / psycopg2
    if sqlstate is not None:
        return sqlstate in LOCK_SQLSTATES
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        return sqlite_code & 0xFF in SQLITE_LOCK_CODES  # extended codes carry the primary one in the low byte
    text = str(exc).lower()  # a driver that gives neither (older SQLite builds)
    return "database is locked" in text or "database table is locked" in text


def _retry_later(request: HttpRequest, exc: ApplicationError, page: Callable[[], HttpResponse]) -> HttpResponse:
    """`exc` with `Retry-After`: the API's error body under /api/, else `page()`."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": exc.code, "message": exc.message, "extra": exc.extra}, status=exc.http_status)
    else:
        response = page()
    response["Retry-After"] = str(exc.retry_after)
    return response


def service_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503: the bilingual busy page is a static template (it must render without the database
    and without a session)."""
    exc = ServiceUnavailable()
    return _retry_later(
        request, exc, lambda: HttpResponse(loader.get_template("503.html").render(), status=exc.http_status)
    )


def rate_limited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return _retry_later(
        request,
        exc,
        lambda: render(request, "429.html", {"retry_after": exc.retry_after}, status=exc.http_status),
    )


class LockTimeoutMiddleware:
    """Turn a database lock timeout raised by any view into 503 with `Retry-After`, and a rate
    limit into 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return rate_limited_response(request, exception)
        if not is_lock_timeout(exception):
            return None
        logger.warning("Lock timeout on %s %s: %s", request.method, request.path, exception)
        return service_unavailable_response(request)
