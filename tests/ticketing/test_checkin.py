"""Door check-in: every result code, the nonce, the list rules, device auth, bundle and sync."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from rest_framework.test import APIClient

from programme.models import BERLIN
from tests.factories.programme import EventFactory
from tests.factories.ticketing import (
    CheckInListFactory,
    OrderFactory,
    PaidTicketFactory,
    TicketTypeFactory,
    device_with_token,
)
from ticketing.enums import CheckInResult, DeviceKind, OrderStatus
from ticketing.models import CheckIn, Device
from ticketing.services.checkin import device_revoke
from ticketing.services.orders import order_cancel
from ticketing.signing import sign_ticket

pytestmark = pytest.mark.django_db

DAY_ONE = dt.date(2019, 10, 22)
MORNING = dt.datetime(2019, 10, 22, 9, 30, tzinfo=BERLIN)


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    return EventFactory(start_on=DAY_ONE, end_on=DAY_ONE + dt.timedelta(days=2))


@pytest.fixture
def main_list(event):  # type: ignore[no-untyped-def]
    return CheckInListFactory(event=event, name_de="Haupteingang", name_en="Main entrance")


@pytest.fixture
def ticket(event):  # type: ignore[no-untyped-def]
    return PaidTicketFactory(order__event=event, attendee_name="Erika Mustermann")


@pytest.fixture
def door(event, main_list):  # type: ignore[no-untyped-def]
    device, token = device_with_token(event=event, language="en")
    client = APIClient(HTTP_AUTHORIZATION=f"Device {token}")
    client.device = device
    return client


@pytest.fixture(autouse=True)
def _during_the_edition():  # type: ignore[no-untyped-def]
    with time_machine.travel(MORNING, tick=False):
        yield


def scan(client, event, **body):  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/events/{event.slug}/checkin/scan/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


# Results ------------------------------------------------------------------------------------------


def test_scan_ok_admits_and_records(door, event, ticket, main_list):
    data = scan(door, event, code=ticket.code)

    assert data["result"] == "ok"
    assert data["message"] == "Welcome! Admitted."
    assert data["ticket"]["attendee_name"] == "Erika Mustermann"
    assert data["ticket"]["ticket_type_id"] == ticket.ticket_type_id
    assert data["list"] == {"id": main_list.pk, "name": "Main entrance"}
    row = CheckIn.objects.get()
    assert (row.ticket, row.result, row.direction, row.device) == (ticket, "ok", "in", door.device)


def test_scan_twice_is_already_checked_in(door, event, ticket):
    scan(door, event, code=ticket.code)

    assert scan(door, event, code=ticket.code)["result"] == "already_checked_in"
    assert list(CheckIn.objects.order_by("pk").values_list("result", flat=True)) == ["ok", "already_checked_in"]


@pytest.mark.parametrize(
    "code", ["", "nonsense", "SC1.", "SC1.AAAA", "x" * 5000, "SC1." + "A" * 111, "https://example.org/"]
)
def test_scan_garbage_is_invalid_or_malformed(door, event, code):
    response = door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": code}, format="json")

    if code == "" or len(code) > 4096:
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
    else:
        assert response.status_code == 200
        assert response.json() == {**response.json(), "result": "invalid", "ticket": None}


def test_scan_code_of_another_edition_is_invalid(door, event):
    other = PaidTicketFactory(order__event=EventFactory())

    assert scan(door, event, code=other.code)["result"] == "invalid"


def test_scan_forged_signature_is_invalid(door, event, ticket):
    forged = ticket.code[:-3] + ("AAA" if ticket.code[-3:] != "AAA" else "BBB")

    assert scan(door, event, code=forged)["result"] == "invalid"


def test_scan_reissued_code_is_revoked(door, event, ticket):
    old_code = ticket.code
    ticket.code = sign_ticket(ticket_id=ticket.pk, event_id=event.pk)
    ticket.save()

    data = scan(door, event, code=old_code)

    assert data["result"] == "revoked"
    assert data["ticket"]["id"] == ticket.pk


def test_scan_cancelled_order_is_cancelled(door, event, ticket):
    order_cancel(order=ticket.order)

    assert scan(door, event, code=ticket.code)["result"] == "cancelled"


def test_scan_cancelled_ticket_is_cancelled(door, event, ticket):
    ticket.is_cancelled = True
    ticket.save()

    assert scan(door, event, code=ticket.code)["result"] == "cancelled"


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL, OrderStatus.EXPIRED])
def test_scan_unpaid_order_is_unpaid(door, event, status):
    ticket = PaidTicketFactory(order=OrderFactory(event=event, status=status))

    assert scan(door, event, code=ticket.code)["result"] == "unpaid"


def test_scan_type_not_on_list_is_wrong_list(door, event, ticket):
    workshop = CheckInListFactory(event=event, is_default=False, all_ticket_types=False)
    workshop.ticket_types.set([TicketTypeFactory(event=event)])

    assert scan(door, event, code=ticket.code, list=workshop.pk)["result"] == "wrong_list"
    workshop.ticket_types.add(ticket.ticket_type)
    assert scan(door, event, code=ticket.code, list=workshop.pk)["result"] == "ok"


def test_scan_day_ticket_only_on_its_day(door, event):
    day_two = DAY_ONE + dt.timedelta(days=1)
    ticket = PaidTicketFactory(order__event=event, ticket_type=TicketTypeFactory(event=event, valid_on=day_two))

    assert scan(door, event, code=ticket.code)["result"] == "not_valid_now"
    with time_machine.travel(dt.datetime.combine(day_two, dt.time(8), tzinfo=BERLIN), tick=False):
        assert scan(door, event, code=ticket.code)["result"] == "ok"


@pytest.mark.parametrize(
    ("when", "result"),
    [
        (dt.datetime(2019, 10, 21, 12, 0, tzinfo=BERLIN), "not_valid_now"),  # the day before
        (dt.datetime(2019, 10, 25, 0, 30, tzinfo=BERLIN), "not_valid_now"),  # after the last day
        (dt.datetime(2019, 10, 24, 23, 59, tzinfo=BERLIN), "ok"),  # late on the last day
        (dt.datetime(2019, 10, 22, 0, 1, tzinfo=BERLIN), "ok"),  # Berlin midnight, 22:01 UTC the day before
    ],
)
def test_scan_only_on_the_editions_days(door, event, ticket, when, result):
    with time_machine.travel(when, tick=False):
        assert scan(door, event, code=ticket.code)["result"] == result


def test_scan_outside_the_lists_hours_is_not_valid_now(door, event, ticket, main_list):
    main_list.opens_at, main_list.closes_at = dt.time(10, 0), dt.time(18, 0)
    main_list.save()

    assert scan(door, event, code=ticket.code)["result"] == "not_valid_now"  # 09:30
    with time_machine.travel(dt.datetime(2019, 10, 22, 10, 0, tzinfo=BERLIN), tick=False):
        assert scan(door, event, code=ticket.code)["result"] == "ok"


def test_reentry_allowed_after_exit(door, event, ticket):
    assert scan(door, event, code=ticket.code)["result"] == "ok"
    exit_ = scan(door, event, code=ticket.code, direction="out")
    assert (exit_["result"], exit_["message"]) == ("ok", "Goodbye! Exit recorded.")

    assert scan(door, event, code=ticket.code)["result"] == "ok"
    assert scan(door, event, code=ticket.code)["result"] == "already_checked_in"


def test_no_reentry_once_in(door, event, ticket, main_list):
    main_list.allows_reentry = False
    main_list.save()
    scan(door, event, code=ticket.code)
    scan(door, event, code=ticket.code, direction="out")

    assert scan(door, event, code=ticket.code)["result"] == "already_checked_in"


def test_lists_are_counted_apart(door, event, ticket):
    hall = CheckInListFactory(event=event, is_default=False)
    scan(door, event, code=ticket.code)

    assert scan(door, event, code=ticket.code, list=hall.pk)["result"] == "ok"


def test_device_bound_to_a_list_uses_it(event, ticket, main_list):
    hall = CheckInListFactory(event=event, is_default=False, all_ticket_types=False)
    _device, token = device_with_token(event=event, checkin_list=hall)

    data = scan(APIClient(HTTP_AUTHORIZATION=f"Device {token}"), event, code=ticket.code)

    assert (data["result"], data["list"]["id"]) == ("wrong_list", hall.pk)


def test_messages_in_the_devices_language(event, ticket, main_list):
    _device, token = device_with_token(event=event, language="de")
    client = APIClient(HTTP_AUTHORIZATION=f"Device {token}")

    assert scan(client, event, code=ticket.code)["message"] == "Willkommen! Eingelassen."
    assert scan(client, event, code="nonsense")["message"] == "Kein gültiges Ticket."


# Nonce --------------------------------------------------------------------------------------------


def test_repeated_nonce_answers_the_first_answer_and_records_nothing(door, event, ticket):
    first = scan(door, event, code=ticket.code, nonce="scan-1")

    again = scan(door, event, code=ticket.code, nonce="scan-1")

    assert first["result"] == again["result"] == "ok"
    assert again["scanned_at"] == first["scanned_at"]
    assert CheckIn.objects.count() == 1
    assert scan(door, event, code=ticket.code, nonce="scan-2")["result"] == "already_checked_in"


def test_repeated_nonce_of_an_invalid_scan(door, event):
    scan(door, event, code="nonsense", nonce="n1")
    scan(door, event, code="nonsense", nonce="n1")

    assert CheckIn.objects.filter(result="invalid").count() == 1


@pytest.mark.parametrize("nonce", ["a b", "x" * 65, "ü"])
def test_malformed_nonce_is_400(door, event, ticket, nonce):
    response = door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code, "nonce": nonce})

    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "extra"}
    assert "nonce" in response.json()["extra"]["fields"]


# Bad input and auth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": ["x"]},
        {"code": "x", "direction": "up"},
        {"code": "x", "list": "a"},
        {"code": "x", "scanned_at": "no"},
    ],
)
def test_malformed_body_is_400(door, event, body):
    response = door.post(f"/api/v1/events/{event.slug}/checkin/scan/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_unknown_list_is_400(door, event, ticket):
    other_events_list = CheckInListFactory(event=EventFactory())

    response = door.post(
        f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code, "list": other_events_list.pk}
    )

    assert (response.status_code, response.json()["code"]) == (400, "unknown_checkin_list")
    assert not CheckIn.objects.exists()


def test_non_json_body_is_400(door, event):
    response = door.post(f"/api/v1/events/{event.slug}/checkin/scan/", "{not json", content_type="application/json")

    assert response.status_code == 400


@pytest.mark.parametrize("header", [None, "Device", "Device wrong-token", "Bearer abc", "Device " + "x" * 500])
def test_scan_needs_a_device_token(event, ticket, main_list, header):
    client = APIClient(**({"HTTP_AUTHORIZATION": header} if header else {}))

    response = client.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code})

    assert response.status_code == 401
    assert response.json()["code"] in {"not_authenticated", "authentication_failed"}
    assert not CheckIn.objects.exists()


def test_revoked_device_is_refused(door, event, ticket):
    device_revoke(device=door.device)

    response = door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code})

    assert response.status_code == 401


def test_lead_device_cannot_scan_at_the_door(event, ticket, main_list):
    _device, token = device_with_token(event=event, kind=DeviceKind.LEADS)

    response = APIClient(HTTP_AUTHORIZATION=f"Device {token}").post(
        f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}
    )

    assert response.status_code == 403


def test_device_of_another_edition_is_refused(event, ticket, main_list):
    _device, token = device_with_token(event=EventFactory())

    response = APIClient(HTTP_AUTHORIZATION=f"Device {token}").post(
        f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}
    )

    assert response.status_code == 403


def test_door_device_reads_no_orders(door, ticket):
    response = door.get(f"/api/v1/orders/{ticket.order.code}/")

    assert response.status_code == 404


def test_door_staff_scan_with_their_login(event, ticket, main_list):
    user = User.objects.create_user("door-staff", password="x")
    user.user_permissions.add(Permission.objects.get(codename="scan_ticket"))
    client = APIClient()
    client.force_login(user)

    assert scan(client, event, code=ticket.code)["result"] == "ok"
    assert CheckIn.objects.get().user == user


def test_user_without_the_permission_cannot_scan(event, ticket, main_list):
    client = APIClient()
    client.force_login(User.objects.create_user("visitor", password="x"))

    response = client.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code})

    assert response.status_code == 403


def test_session_scan_needs_the_csrf_token(event, ticket, main_list):
    user = User.objects.create_user("door-staff", password="x")
    user.user_permissions.add(Permission.objects.get(codename="scan_ticket"))
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code})

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_stuck_scanner_is_throttled(settings, door, event, ticket):
    settings.RATE_LIMITS = True
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"checkin_scan": "3/m"}}

    codes = [
        door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}).status_code for _ in range(5)
    ]

    assert codes == [200, 200, 200, 429, 429]


def test_device_last_contact_is_recorded(door, event, ticket):
    scan(door, event, code=ticket.code)

    door.device.refresh_from_db()
    assert door.device.last_seen_at is not None


# create_device ------------------------------------------------------------------------------------


def test_create_device_prints_only_a_working_token(event, ticket, main_list):
    out = io.StringIO()

    call_command("create_device", "--event", event.slug, "--name", "Hall B, door 1", stdout=out)

    token = out.getvalue().strip()
    assert "\n" not in token and len(token) >= 40
    device = Device.objects.get()
    assert (device.name, device.kind, device.token_prefix) == ("Hall B, door 1", "door", token[:8])
    assert token not in device.token_digest
    client = APIClient(HTTP_AUTHORIZATION=f"Device {token}")
    assert scan(client, event, code=ticket.code)["result"] == "ok"


def test_create_device_unknown_event_fails(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_device", "--event", "nope", "--name", "x", stdout=io.StringIO())


# Offline bundle and sync --------------------------------------------------------------------------


def test_offline_bundle_has_key_lists_tickets_and_checkins(door, event, ticket, main_list):
    cancelled = PaidTicketFactory(order__event=event, is_cancelled=True)
    PaidTicketFactory(order__event=EventFactory())  # another edition's: not in the bundle
    scan(door, event, code=ticket.code)

    response = door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/")

    assert response.status_code == 200
    data = response.json()
    assert data["full"] is True
    assert data["event"]["days"] == ["2019-10-22", "2019-10-23", "2019-10-24"]
    assert len(data["public_key"]) == 43
    assert data["lists"][0]["id"] == main_list.pk
    tickets = {t["id"]: t for t in data["tickets"]}
    assert set(tickets) == {ticket.pk, cancelled.pk}
    assert tickets[ticket.pk]["status"] == "valid"
    assert tickets[cancelled.pk]["status"] == "cancelled"
    assert tickets[ticket.pk]["code_digest"] == hashlib.sha256(ticket.code.encode()).hexdigest()[:16]
    assert [c["ticket_id"] for c in data["checkins"]] == [ticket.pk]


def test_offline_bundle_since_cursor_has_only_changes(door, event, ticket, main_list):
    with time_machine.travel(MORNING + dt.timedelta(minutes=1), tick=False):
        first = door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/").json()

    with time_machine.travel(MORNING + dt.timedelta(minutes=5), tick=False):
        unchanged = door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/?since={first['cursor']}").json()
    with time_machine.travel(MORNING + dt.timedelta(minutes=10), tick=False):
        newcomer = PaidTicketFactory(order__event=event)
        order_cancel(order=ticket.order)
    with time_machine.travel(MORNING + dt.timedelta(minutes=11), tick=False):
        delta = door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/?since={unchanged['cursor']}").json()

    assert unchanged["full"] is False
    assert unchanged["tickets"] == []
    assert delta["full"] is False
    assert {t["id"]: t["status"] for t in delta["tickets"]} == {ticket.pk: "cancelled", newcomer.pk: "valid"}


@pytest.mark.parametrize("cursor", ["nonsense", "-1", "9" * 30, "1"])
def test_offline_bundle_bad_or_old_cursor_gives_full_bundle(door, event, ticket, cursor):
    data = door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/?since={cursor}").json()

    assert data["full"] is True
    assert [t["id"] for t in data["tickets"]] == [ticket.pk]


def test_offline_bundle_needs_a_door_device(event, main_list):
    assert APIClient().get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/").status_code == 401


def sync(client, event, scans):  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/events/{event.slug}/checkin/sync/", {"scans": scans}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_sync_records_each_scan_once(door, event, ticket):
    at = (MORNING - dt.timedelta(minutes=20)).isoformat()
    scans = [
        {"code": ticket.code, "nonce": "off-1", "scanned_at": at, "offline_result": "ok"},
        {"code": "nonsense", "nonce": "off-2", "scanned_at": at, "offline_result": "invalid"},
    ]

    first = sync(door, event, scans)
    again = sync(door, event, scans)

    assert [(r["result"], r["duplicate"], r["conflict"]) for r in first] == [
        ("ok", False, False),
        ("invalid", False, False),
    ]
    assert [r["duplicate"] for r in again] == [True, True]
    assert CheckIn.objects.count() == 2
    row = CheckIn.objects.get(result="ok")
    assert row.is_offline and row.scanned_at == MORNING - dt.timedelta(minutes=20)


def test_sync_flags_a_ticket_admitted_twice_offline(event, ticket, main_list):
    _a, token_a = device_with_token(event=event, name="Door A")
    _b, token_b = device_with_token(event=event, name="Door B")
    at = MORNING - dt.timedelta(minutes=10)

    sync(
        APIClient(HTTP_AUTHORIZATION=f"Device {token_a}"),
        event,
        [{"code": ticket.code, "nonce": "a-1", "scanned_at": at.isoformat(), "offline_result": "ok"}],
    )
    results = sync(
        APIClient(HTTP_AUTHORIZATION=f"Device {token_b}"),
        event,
        [
            {
                "code": ticket.code,
                "nonce": "b-1",
                "scanned_at": (at + dt.timedelta(minutes=1)).isoformat(),
                "offline_result": "ok",
            }
        ],
    )

    assert (results[0]["result"], results[0]["conflict"]) == ("already_checked_in", True)
    assert CheckIn.objects.filter(is_conflict=True).count() == 1


def test_sync_judges_each_scan_at_its_own_time(door, event):
    day_one_ticket = PaidTicketFactory(order__event=event, ticket_type=TicketTypeFactory(event=event, valid_on=DAY_ONE))
    yesterday_evening = dt.datetime(2019, 10, 22, 17, 0, tzinfo=BERLIN)

    with time_machine.travel(dt.datetime(2019, 10, 23, 8, 0, tzinfo=BERLIN), tick=False):
        results = sync(
            door,
            event,
            [{"code": day_one_ticket.code, "nonce": "late-upload", "scanned_at": yesterday_evening.isoformat()}],
        )

    assert results[0]["result"] == "ok"


def test_sync_applies_scans_in_the_order_they_happened(door, event, ticket):
    base = MORNING - dt.timedelta(minutes=30)
    scans = [
        {"code": ticket.code, "nonce": "in-2", "scanned_at": (base + dt.timedelta(minutes=2)).isoformat()},
        {
            "code": ticket.code,
            "nonce": "out-1",
            "direction": "out",
            "scanned_at": (base + dt.timedelta(minutes=1)).isoformat(),
        },
        {"code": ticket.code, "nonce": "in-1", "scanned_at": base.isoformat()},
    ]

    results = sync(door, event, scans)

    assert [r["result"] for r in results] == ["ok", "ok", "ok"]


def test_sync_device_clock_ahead_is_judged_at_upload_time(door, event, ticket):
    results = sync(door, event, [{"code": ticket.code, "nonce": "future", "scanned_at": "2030-01-01T00:00:00Z"}])

    assert results[0]["result"] == "ok"
    assert CheckIn.objects.get().scanned_at == MORNING


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"scans": []},
        {"scans": [{"code": "x"}]},  # nonce and scanned_at are required offline
        {"scans": "x"},
        {"scans": [{"code": "x", "nonce": "n", "scanned_at": "2019-10-22T08:00:00Z"}] * 501},
    ],
)
def test_sync_malformed_is_400(door, event, body):
    response = door.post(f"/api/v1/events/{event.slug}/checkin/sync/", body, format="json")

    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_result_codes_are_the_specs():
    assert set(CheckInResult.values) == {
        "ok",
        "already_checked_in",
        "invalid",
        "revoked",
        "unpaid",
        "cancelled",
        "not_valid_now",
        "wrong_list",
    }


def test_online_scan_from_a_clock_ahead_is_recorded_at_server_time(door, event, ticket):
    data = scan(door, event, code=ticket.code, scanned_at="2030-01-01T00:00:00Z")

    assert data["result"] == "ok"
    assert CheckIn.objects.get().scanned_at == MORNING


def test_revoking_a_device_that_just_scanned_stops_it(door, event, ticket):
    scan(door, event, code=ticket.code)  # the device is now kept by this process

    device_revoke(device=door.device)

    assert door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}).status_code == 401


def test_other_app_processes_drop_a_revoked_device_within_seconds(door, event, ticket):
    from ticketing.models import Device as DeviceModel
    from ticketing.services import checkin

    scan(door, event, code=ticket.code)
    DeviceModel.objects.filter(pk=door.device.pk).update(revoked_at=MORNING)  # as another process would

    assert door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}).status_code == 200
    with time_machine.travel(MORNING + dt.timedelta(seconds=checkin.DEVICE_CACHE_SECONDS + 1)):
        assert door.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"code": "SC1.abc"},
        {"code": "  SC1.abc  ", "direction": "out", "list": 3, "nonce": "a-b_C9", "scanned_at": "2019-10-22T09:00:00Z"},
        {"code": "x", "list": "7"},
        {"code": "x", "list": None, "nonce": "", "scanned_at": None},
        {"code": "x", "scanned_at": "2019-10-22T09:00:00"},  # naive: Berlin time, as DRF reads it
        {"code": ""},
        {"code": "   "},
        {"code": ["x"]},
        {"code": "x" * 4097},
        {"code": "x", "direction": "sideways"},
        {"code": "x", "list": 0},
        {"code": "x", "list": True},
        {"code": "x", "list": "abc"},
        {"code": "x", "nonce": "has space"},
        {"code": "x", "nonce": "n" * 65},
        {"code": "x", "scanned_at": "yesterday"},
        {"code": "x", "scanned_at": 12},
        {},
    ],
)
def test_parse_scan_agrees_with_the_documented_serializer(body):
    from rest_framework.exceptions import ValidationError

    from ticketing.api.checkin import ScanInSerializer, parse_scan

    serializer = ScanInSerializer(data=body)
    valid = serializer.is_valid()
    try:
        parsed = parse_scan(body)
    except ValidationError as exc:
        assert not valid, exc.detail
        assert set(exc.detail) == set(serializer.errors)
    else:
        assert valid, serializer.errors
        expected = serializer.validated_data
        assert parsed["code"] == expected["code"]
        assert parsed["direction"] == expected["direction"]
        assert parsed["list"] == expected.get("list")
        assert parsed["nonce"] == (expected.get("nonce") or "")
        assert parsed["scanned_at"] == expected.get("scanned_at")


@pytest.mark.parametrize("count", [1, 3])
def test_offline_bundle_query_count_is_constant(door, event, main_list, django_assert_num_queries, count):
    tickets = PaidTicketFactory.create_batch(count, order__event=event)
    for ticket in tickets:
        scan(door, event, code=ticket.code)
    door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/")  # the device is then cached
    # lists, their ticket types, the edition's ticket types, tickets (with order), check-ins
    with django_assert_num_queries(5):
        data = door.get(f"/api/v1/events/{event.slug}/checkin/offline-bundle/").json()
    assert len(data["tickets"]) == count and len(data["checkins"]) == count
