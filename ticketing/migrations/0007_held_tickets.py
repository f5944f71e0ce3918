"""Tickets held per ticket type, kept by the database itself (see ticketing/selectors.py,
`ticket_type_used`).

`ticketing_heldtickets` holds, per ticket type, the tickets that are not cancelled and whose order
is paid, pending or awaiting approval. Triggers on tickets (insert, delete, the columns that
matter changing) and on an order's status keep it, whichever code writes the rows (the services,
admin, factories in tests, a restore). It is not a Django model: `dumpdata`/`loaddata` leave it
alone, and loading tickets counts them through the triggers.

On PostgreSQL the ticket triggers are per statement, with the statement's rows as transition
tables: one upsert per statement, in ticket-type order, so two transactions never take two
counter rows in opposite orders. SQLite serialises writers and takes row triggers.

Deleting tickets only lowers counts that exist (it never creates one), and deleting a ticket type
(or truncating the tables, as `manage.py flush` does on PostgreSQL) drops its count: whatever
order a flush deletes the tables in, no count outlives its type, so a type that gets a reused id
starts from nothing.
"""

# ruff: noqa: S608  (SQL built from this file's own constants; no input reaches it)

from django.db import migrations

HOLDING = "('paid', 'pending', 'awaiting_approval')"
TABLE = "ticketing_heldtickets"

CREATE_TABLE = f"CREATE TABLE {TABLE} (ticket_type_id bigint PRIMARY KEY, held integer NOT NULL)"
BACKFILL = (
    f"INSERT INTO {TABLE} (ticket_type_id, held)"
    " SELECT t.ticket_type_id, COUNT(*) FROM ticketing_ticket t JOIN ticketing_order o ON o.id = t.order_id"
    f" WHERE NOT t.is_cancelled AND o.status IN {HOLDING} GROUP BY t.ticket_type_id"
)

# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_held(rows: str, sign: int) -> str:
    return (
        f"SELECT r.ticket_type_id, {sign} AS delta FROM {rows} r JOIN ticketing_order o ON o.id = r.order_id"
        f" WHERE NOT r.is_cancelled AND o.status IN {HOLDING}"
    )


def _pg_upsert(changes: str) -> str:
    return (
        f"INSERT INTO {TABLE} AS h (ticket_type_id, held)"
        f" SELECT ticket_type_id, SUM(delta) FROM ({changes}) c"
        " GROUP BY ticket_type_id HAVING SUM(delta) <> 0 ORDER BY ticket_type_id"
        " ON CONFLICT (ticket_type_id) DO UPDATE SET held = h.held + EXCLUDED.held;"
    )


def _pg_function(name: str, body: str) -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"


PG_FORWARD = [
    CREATE_TABLE,
    BACKFILL,
    _pg_function("ticketing_held_inserted", _pg_upsert(_pg_held("new_rows", 1))),
    _pg_function(
        "ticketing_held_deleted",
        f"UPDATE {TABLE} h SET held = h.held - c.n FROM (SELECT r.ticket_type_id, COUNT(*) AS n FROM old_rows r"
        f" JOIN ticketing_order o ON o.id = r.order_id WHERE NOT r.is_cancelled AND o.status IN {HOLDING}"
        " GROUP BY r.ticket_type_id ORDER BY r.ticket_type_id) c WHERE h.ticket_type_id = c.ticket_type_id;",
    ),
    _pg_function("ticketing_held_cleared", f"DELETE FROM {TABLE};"),
    _pg_function(
        "ticketing_held_type_deleted",
        f"DELETE FROM {TABLE} h USING old_rows r WHERE h.ticket_type_id = r.id;",
    ),
    _pg_function(
        "ticketing_held_updated",
        _pg_upsert(f"{_pg_held('new_rows', 1)} UNION ALL {_pg_held('old_rows', -1)}"),
    ),
    "CREATE TRIGGER ticketing_held_inserted AFTER INSERT ON ticketing_ticket REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION ticketing_held_inserted()",
    "CREATE TRIGGER ticketing_held_deleted AFTER DELETE ON ticketing_ticket REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION ticketing_held_deleted()",
    "CREATE TRIGGER ticketing_held_cleared AFTER TRUNCATE ON ticketing_ticket"
    " FOR EACH STATEMENT EXECUTE FUNCTION ticketing_held_cleared()",
    "CREATE TRIGGER ticketing_held_type_deleted AFTER DELETE ON ticketing_tickettype REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION ticketing_held_type_deleted()",
    "CREATE TRIGGER ticketing_held_types_cleared AFTER TRUNCATE ON ticketing_tickettype"
    " FOR EACH STATEMENT EXECUTE FUNCTION ticketing_held_cleared()",
    "CREATE TRIGGER ticketing_held_updated AFTER UPDATE ON ticketing_ticket"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION ticketing_held_updated()",
    _pg_function(
        "ticketing_held_order_status",
        f"INSERT INTO {TABLE} AS h (ticket_type_id, held)"
        f" SELECT t.ticket_type_id, (CASE WHEN NEW.status IN {HOLDING} THEN 1 ELSE -1 END) * COUNT(*)"
        " FROM ticketing_ticket t WHERE t.order_id = NEW.id AND NOT t.is_cancelled"
        " GROUP BY t.ticket_type_id ORDER BY t.ticket_type_id"
        " ON CONFLICT (ticket_type_id) DO UPDATE SET held = h.held + EXCLUDED.held;",
    ),
    "CREATE TRIGGER ticketing_held_order_status AFTER UPDATE OF status ON ticketing_order FOR EACH ROW"
    f" WHEN ((OLD.status IN {HOLDING}) IS DISTINCT FROM (NEW.status IN {HOLDING}))"
    " EXECUTE FUNCTION ticketing_held_order_status()",
]
PG_BACKWARD = [
    "DROP TRIGGER ticketing_held_order_status ON ticketing_order",
    "DROP TRIGGER ticketing_held_updated ON ticketing_ticket",
    "DROP TRIGGER ticketing_held_deleted ON ticketing_ticket",
    "DROP TRIGGER ticketing_held_inserted ON ticketing_ticket",
    "DROP TRIGGER ticketing_held_types_cleared ON ticketing_tickettype",
    "DROP TRIGGER ticketing_held_type_deleted ON ticketing_tickettype",
    "DROP TRIGGER ticketing_held_cleared ON ticketing_ticket",
    "DROP FUNCTION ticketing_held_order_status()",
    "DROP FUNCTION ticketing_held_type_deleted()",
    "DROP FUNCTION ticketing_held_cleared()",
    "DROP FUNCTION ticketing_held_updated()",
    "DROP FUNCTION ticketing_held_deleted()",
    "DROP FUNCTION ticketing_held_inserted()",
    f"DROP TABLE {TABLE}",
]

# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_add(row: str, sign: str) -> str:
    """Add `sign` to the count of `row`'s type if `row` is held."""
    return (
        f"INSERT INTO {TABLE} (ticket_type_id, held) SELECT {row}.ticket_type_id, {sign}"
        f" WHERE NOT {row}.is_cancelled AND EXISTS (SELECT 1 FROM ticketing_order o"
        f"  WHERE o.id = {row}.order_id AND o.status IN {HOLDING})"
        " ON CONFLICT (ticket_type_id) DO UPDATE SET held = held + excluded.held;"
    )


SQLITE_FORWARD = [
    CREATE_TABLE,
    BACKFILL,
    f"CREATE TRIGGER ticketing_held_inserted AFTER INSERT ON ticketing_ticket BEGIN {_sqlite_add('NEW', '1')} END",
    "CREATE TRIGGER ticketing_held_deleted AFTER DELETE ON ticketing_ticket"
    f" WHEN NOT OLD.is_cancelled AND EXISTS (SELECT 1 FROM ticketing_order o"
    f"  WHERE o.id = OLD.order_id AND o.status IN {HOLDING})"
    f" BEGIN UPDATE {TABLE} SET held = held - 1 WHERE ticket_type_id = OLD.ticket_type_id; END",
    "CREATE TRIGGER ticketing_held_type_deleted AFTER DELETE ON ticketing_tickettype"
    f" BEGIN DELETE FROM {TABLE} WHERE ticket_type_id = OLD.id; END",
    "CREATE TRIGGER ticketing_held_updated AFTER UPDATE OF is_cancelled, ticket_type_id, order_id ON ticketing_ticket"
    f" BEGIN {_sqlite_add('OLD', '-1')} {_sqlite_add('NEW', '1')} END",
    "CREATE TRIGGER ticketing_held_order_status AFTER UPDATE OF status ON ticketing_order"
    f" WHEN (OLD.status IN {HOLDING}) <> (NEW.status IN {HOLDING}) BEGIN"
    f" INSERT INTO {TABLE} (ticket_type_id, held)"
    f" SELECT t.ticket_type_id, (CASE WHEN NEW.status IN {HOLDING} THEN 1 ELSE -1 END) * COUNT(*)"
    " FROM ticketing_ticket t WHERE t.order_id = NEW.id AND NOT t.is_cancelled"
    " GROUP BY t.ticket_type_id ORDER BY t.ticket_type_id"
    " ON CONFLICT (ticket_type_id) DO UPDATE SET held = held + excluded.held; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER ticketing_held_type_deleted",
    "DROP TRIGGER ticketing_held_order_status",
    "DROP TRIGGER ticketing_held_updated",
    "DROP TRIGGER ticketing_held_deleted",
    "DROP TRIGGER ticketing_held_inserted",
    f"DROP TABLE {TABLE}",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise NotImplementedError(
                f"Held-ticket counts are kept by triggers on PostgreSQL and SQLite, not {vendor}."
            )
        for statement in statements[vendor]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ticketing", "0006_anonymised_at"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
