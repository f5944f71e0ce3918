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


class ResilientRedisCacheClient(RedisCacheClient):
    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        try:
            return bool(super().add(key, value, timeout))
        except RedisError as exc:
            _unavailable("add", exc)
            return False

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except RedisError as exc:
            _unavailable("get", exc)
            return default

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except RedisError as exc:
            _unavailable("set", exc)

    def touch(self, key: Any, timeout: Any) -> bool:
        try:
            return bool(super().touch(key, timeout))
        except RedisError as exc:
            _unavailable("touch", exc)
            return False

    def delete(self, key: Any) -> bool:
        try:
            return bool(super().delete(key))
        except RedisError as exc:
            _unavailable("delete", exc)
            return False

    def get_many(self, keys: Any) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys))
        except RedisError as exc:
            _unavailable("get_many", exc)
            return {}

    def has_key(self, key: Any) -> bool:
        try:
            return bool(super().has_key(key))
        except RedisError as exc:
            _unavailable("has_key", exc)
            return False

    def incr(self, key: Any, delta: int) -> Any:
        try:
            return super().incr(key, delta)
        except RedisError as exc:
            _unavailable("incr", exc)
            raise ValueError("The key could not be read from the cache.") from exc  # as for a missing key

    def set_many(self, data: Any, timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except RedisError as exc:
            _unavailable("set_many", exc)

    def delete_many(self, keys: Any) -> None:
        try:
            super().delete_many(keys)
        except RedisError as exc:
            _unavailable("delete_many", exc)

    def clear(self) -> bool:
        try:
            return bool(super().clear())
        except RedisError as exc:
            _unavailable("clear", exc)
            return False


class ResilientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
