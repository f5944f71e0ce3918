"""Hot statements keep their index in a generic plan on PostgreSQL.

Statements are prepared (psycopg's `prepare_threshold`), and PostgreSQL may then plan them once
for any parameters. A lookup on a partial unique index (`… WHERE nonce <> ''`) can only use that
index if the statement itself states the condition; without it the generic plan reads every
check-in (or order) of the edition, and PostgreSQL re-plans every execution to avoid that."""

import re
from typing import Any

import pytest
from django.db import connection
from psycopg.sql import Literal

from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory
from ticketing.services.checkin import ticket_scan
from ticketing.services.orders import _order_for_key

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans (CI runs the suite on it)"),
    pytest.mark.django_db,
]


def statement(action: Any, marker: str) -> tuple[str, Any]:
    """The SQL and parameters of the statement containing `marker` that `action()` runs."""
    seen: list[tuple[str, Any]] = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        action()
    found = [(sql, params) for sql, params in seen if marker in sql]
    assert found, f"no statement with {marker!r} among {[sql[:60] for sql, _ in seen]}"
    return found[0]


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "text"
    return "bigint"  # the ids, and None: the ticket and type of a code that names no ticket


def generic_plan(sql: str, params: Any) -> str:
    """EXPLAIN of `sql` (with %s or %(name)s placeholders) as the generic plan of a prepared statement."""
    order: list[Any] = []
    positions: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            order.append(params[len(order)])
            return f"${len(order)}"
        if name not in positions:
            order.append(params[name])
            positions[name] = len(order)
        return f"${positions[name]}"

    text = re.sub(r"%(?:\((\w+)\))?s", number, sql)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's tables are tiny: reading them would win
        types = ", ".join(_type(value) for value in order)
        cursor.execute(f"PREPARE plan_check ({types}) AS {text}")
        try:
            # Literals: a utility statement's own parameters have no type to infer.
            values = ", ".join(Literal(value).as_string(connection.connection) for value in order)
            cursor.execute(f"EXPLAIN EXECUTE plan_check({values})")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE plan_check")


def test_a_scan_looks_up_its_nonce_by_the_unique_index():
    event = CheckInListFactory().event
    sql, params = statement(
        lambda: ticket_scan(event=event, code="not a ticket", nonce="n-1"), "ticketing_checkinlist l"
    )
    plan = generic_plan(sql, params)
    assert "checkin_unique_nonce" in plan, plan


def test_an_idempotency_key_is_looked_up_by_the_unique_index():
    event = EventFactory()
    sql, params = statement(lambda: _order_for_key(event=event, key="key-1", fingerprint="f"), "request_fingerprint")
    plan = generic_plan(sql, params)
    assert "order_unique_idempotency_key" in plan, plan
