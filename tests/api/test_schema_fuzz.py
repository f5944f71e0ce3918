"""schemathesis against the published OpenAPI schema (/api/schema/): every operation with a
bounded number of generated requests, on an edition with a published programme, tickets on
sale and a door device. No answer may be a 5xx, every answer must match the schema (status
code, content type, body), and every error must have the SPEC.md shape {"code","message","extra"}."""

import datetime as dt
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from config.wsgi import application


def _load_schema() -> schemathesis.BaseSchema:
    """The schema as /api/schema/ serves it (read without a database), tested in-process."""
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content[:300]
    loaded = schemathesis.openapi.from_dict(json.loads(response.content))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture
def wsgi_in_test_transaction():  # type: ignore[no-untyped-def]
    """The WSGI handler closes the database connection at the end of every request; the test
    client keeps it open (the test's transaction lives on it), and so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ_EDITION = "sccon-fuzz"


@pytest.fixture
def fuzz_edition(db):  # type: ignore[no-untyped-def]
    """An edition a year ahead with a published programme (a workshop with seats among it),
    tickets on sale, a paid ticket and an exhibitor with a booth: the generated requests reach
    the code behind the 404s."""
    from exhibitors.services.booking import booking_confirm
    from programme.services import schedule_release_publish
    from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory
    from tests.factories.programme import EventFactory, SessionSpeakerFactory
    from tests.factories.ticketing import CheckInListFactory, PaidTicketFactory, TicketTypeFactory

    start = dt.date.today() + dt.timedelta(days=365)
    event = EventFactory(slug=FUZZ_EDITION, start_on=start, end_on=start + dt.timedelta(days=2))
    SessionSpeakerFactory(
        session__event=event,
        session__format="workshop",
        session__seat_capacity=5,
        session__starts_at=dt.datetime.combine(start, dt.time(10), tzinfo=dt.UTC),
        session__ends_at=dt.datetime.combine(start, dt.time(11), tzinfo=dt.UTC),
    )
    schedule_release_publish(event=event, version="1.0")
    TicketTypeFactory(event=event)
    PaidTicketFactory(order__event=event)
    CheckInListFactory(event=event)
    booking_confirm(
        booking=BoothBookingFactory(exhibitor=ExhibitorFactory(event=event)), booth=BoothFactory(event=event)
    )
    return event


@schemathesis.check
def errors_have_the_spec_shape(ctx, response, case):  # type: ignore[no-untyped-def]
    if 400 <= response.status_code < 500 and response.headers.get("content-type", [""])[0].startswith(
        "application/json"
    ):
        body = json.loads(response.content)
        assert set(body) == {"code", "message", "extra"}, f"error body {body!r}"


# One test per operation, parametrized here rather than by schemathesis' pytest plugin: under
# pytest-xdist that plugin ran only some of the operations.
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (result.ok() for result in schema.get_all_operations())}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_api_never_fails_and_keeps_to_its_schema(name, fuzz_edition, settings, wsgi_in_test_transaction):  # type: ignore[no-untyped-def]
    @given(case=OPERATIONS[name].as_strategy())
    @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):  # type: ignore[no-untyped-def]
        check(case, settings)

    run()


def check(case, settings):  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fuzz"  # a configured webhook: a missing signature is a 400
    if "event" in (case.path_parameters or {}):
        case.path_parameters["event"] = FUZZ_EDITION
    # Every check but two that ask more than a schema can say. "Invalid data must be rejected":
    # DRF ignores what it does not need (an unknown page size falls back to the default). "Valid
    # data must be accepted": rules across fields (a billing name or a company, a VAT ID's
    # checksum, a ticket type that exists, a webhook body signed by Stripe) answer 400 or 404 to
    # bodies the schema allows; those answers are checked like any other (documented status, the
    # error shape).
    excluded = [schemathesis.checks.negative_data_rejection, schemathesis.checks.positive_data_acceptance]
    case.call_and_validate(excluded_checks=excluded)
