"""Redis as the cache, where an outage only slows the site down instead of failing it.

Everything the app keeps in the cache can be computed again (rendered exports and timetables,
their versions, sold-out markers) or may be forgotten for a while (rate-limit counts). So while
Redis cannot be reached, reads miss and writes are dropped, with a warning in the log at most
every 30 seconds per process; pages and the API keep answering from the database. Short socket
timeouts (`CACHE_SOCKET_TIMEOUT`, default 0.25 s) keep a Redis that does not answer from holding
up requests. The task queue is not covered: tasks need Redis (docs/deploy.md).
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 30.0
_last_warning = 0.0


def _unavailable(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Redis cache unavailable (%s: %s); serving without the cache.", operation, exc)


def _quiet(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    """`RedisCacheClient.<name>`, answering `fallback(*args)` when Redis cannot be reached."""
    method = getattr(RedisCacheClient, name)

    def quiet(self: RedisCacheClient, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            _unavailable(name, exc)
            return fallback(*args, **kwargs)

    quiet.__name__ = name
    return quiet


def _missing(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("The key could not be read from the cache.")  # what `incr` says of a missing key


class ResilientRedisCacheClient(RedisCacheClient):
    # Reads miss, writes are dropped, nothing is found or deleted.
    get = _quiet("get", lambda key, default: default)
    get_many = _quiet("get_many", lambda *args: {})
    has_key = _quiet("has_key", lambda *args: False)
    add = _quiet("add", lambda *args: False)
    set = _quiet("set", lambda *args: None)
    set_many = _quiet("set_many", lambda *args: [])
    touch = _quiet("touch", lambda *args: False)
    delete = _quiet("delete", lambda *args: False)
    delete_many = _quiet("delete_many", lambda *args: None)
    clear = _quiet("clear", lambda *args: False)
    incr = _quiet("incr", _missing)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
