"""Rate limits per client address, counted in the cache (Redis in production, so every app
server sees the same counts; per process without Redis).

- Placing orders (the API and the shop's order form): `order_create`.
- Looking up something by its secret (an order's link or `X-Order-Secret`, a calendar feed's
  token): only the misses count (`secret_lookup_failure`), so an attendee reloading their own
  order page is never slowed, while guessing secrets stops after a few dozen tries.
- Exhibitor applications (`exhibitor_apply`).
- Scans and syncs are limited per device instead (`ticketing.api.checkin`); logins are locked out
  by django-axes after repeated failures (settings `AXES_*`).

The rates are `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`; `RATE_LIMITS=0` switches them all off.
A refused request answers 429 with `Retry-After`: the API's error body, or the "too many
requests" page.
"""

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.exceptions import ApplicationError


class RateLimited(ApplicationError):
    code = "throttled"
    http_status = 429
    default_message = _("Too many requests. Please wait a moment and try again.")

    def __init__(self, wait: float | None) -> None:
        self.retry_after = max(1, math.ceil(wait or 1))
        super().__init__(extra={"retry_after": self.retry_after})


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind the proxy (`DJANGO_BEHIND_PROXY`, the default) the last
    address the proxy appended to `X-Forwarded-For` (earlier ones are the client's own claims),
    else the connection's. Used for every rate limit and by django-axes."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class ClientRateThrottle(SimpleRateThrottle):
    """A DRF throttle per client address for one `scope`; usable on a plain Django request too."""

    scope: str

    def __init__(self, scope: str | None = None) -> None:
        if scope is not None:
            self.scope = scope
        super().__init__()

    def get_rate(self) -> str | None:
        # Read at each request (DRF binds the rates at import): a changed setting applies at once.
        rates: dict[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
        rate: str | None = rates.get(self.scope)
        return rate

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not settings.RATE_LIMITS:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def count(self, request: HttpRequest) -> bool:
        """Count this request (a plain Django request or DRF's); False when it is one too many."""
        return bool(self.allow_request(request, None))  # type: ignore[arg-type]  # only META is read

    def check(self, request: HttpRequest) -> None:
        """Count this request; raise `RateLimited` when it is one too many."""
        if not self.count(request):
            raise RateLimited(self.wait())

    def is_exhausted(self, request: HttpRequest) -> bool:
        """Whether the next counted request would be refused (counts nothing)."""
        self.key = self.get_cache_key(request, None)
        if self.rate is None or self.key is None:
            return False
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        num_requests, duration = self.parse_rate(self.rate)
        if num_requests is None or duration is None:
            return False
        while self.history and self.history[-1] <= self.now - duration:
            self.history.pop()
        return len(self.history) >= num_requests


class OrderCreateThrottle(ClientRateThrottle):
    scope = "order_create"


def secret_lookup[T](request: HttpRequest, find: Callable[[], T | None]) -> T | None:
    """`find()` (a look-up by a secret from the request), refused with `RateLimited` once this
    client has missed too often; each miss (None) counts."""
    throttle = ClientRateThrottle("secret_lookup_failure")
    if throttle.is_exhausted(request):
        raise RateLimited(throttle.wait())
    found = find()
    if found is None:
        throttle.count(request)
    return found


def login_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer to a login from a locked-out user name and address: 429 with
    `Retry-After`, on a page that says how long."""
    seconds = math.ceil(float(settings.AXES_COOLOFF_TIME) * 3600)
    response = render(
        request, "registration/locked_out.html", {"minutes": max(1, seconds // 60)}, status=RateLimited.http_status
    )
    response["Retry-After"] = str(seconds)
    return response
