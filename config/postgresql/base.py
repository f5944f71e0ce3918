"""Django's PostgreSQL backend, with a cheaper per-request health check.

With `CONN_HEALTH_CHECKS` Django runs `SELECT 1` before the first query of every request on a
kept connection, so that a connection the server has closed (a restart, a failover, an
administrator's `pg_terminate_backend`, `idle_session_timeout`) is replaced instead of failing
that request. That is one round trip per request, a sixth of a door scan's.

A server that closes a connection says so on the socket: it sends its `FATAL` message and
closes, so an idle connection's socket becomes readable. This backend first asks the operating
system whether anything is waiting on the socket (a `poll` with no timeout, no round trip), and
runs Django's `SELECT 1` only when something is. A quiet socket on an idle connection means the
server has not closed it. (A host that vanished without a word is noticed by neither check
before its TCP timeout.) After a request that saw a database error, Django still checks with a
real query (`is_usable`), as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


def _quiet(fd: int) -> bool:
    """Nothing to read and no hang-up on `fd`, right now."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    # Set by Django's BaseDatabaseWrapper (not in django-stubs).
    health_check_enabled: bool
    health_check_done: bool

    def close_if_health_check_failed(self) -> None:
        connection = self.connection
        if (
            connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and not connection.closed
            and connection.info.transaction_status == pq.TransactionStatus.IDLE
            and _quiet(connection.fileno())
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
