import json
from decimal import Decimal

import pytest
from rest_framework.exceptions import ValidationError

from tests.factories.ticketing import QuotaFactory, TicketTypeFactory
from ticketing.enums import TicketVisibility
from ticketing.models import Order
from ticketing.services.orders import Billing, TicketRequest, order_mark_paid, order_place

pytestmark = pytest.mark.django_db

BILLING = {
    "name": "Erika Mustermann",
    "street": "Rathausplatz 1",
    "postcode": "12345",
    "city": "Berlin",
    "country": "DE",
}


def order_body(ticket_type, **extra):
    body = {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": ticket_type.pk, "attendee_name": "Max Mustermann"}],
        "payment_method": "invoice",
        "billing": BILLING,
    }
    body.update(extra)
    return body


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] == code
    return body


@pytest.mark.parametrize("count", [1, 3])
def test_ticket_types_list_shape_and_query_count(client, future_event, django_assert_num_queries, count):
    types = TicketTypeFactory.create_batch(count, event=future_event, capacity=100)
    QuotaFactory(event=future_event, size=500).ticket_types.add(*types)
    TicketTypeFactory(event=future_event, visibility=TicketVisibility.VOUCHER)
    # event, types (with event), quotas prefetch, used per type, used per quota
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/events/{future_event.slug}/ticket-types/")
    body = response.json()
    assert body["count"] == count
    first = body["results"][0]
    assert first["id"] == types[0].pk
    assert first["price"] == "534.31"
    assert first["vat_rate"] == "19.00"
    assert first["is_on_sale"] is True
    assert first["available"] == 100


def test_order_create_answers_201_with_contract_shape(client, future_event, ticket_type):
    response = client.post(
        f"/api/v1/events/{future_event.slug}/orders/", order_body(ticket_type), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"code", "secret", "status", "total", "currency", "expires_at", "url"} <= set(body)
    assert body["status"] == "pending"
    assert body["total"] == "534.31"
    assert body["currency"] == "EUR"
    assert f"/orders/{body['code']}/{body['secret']}/" in body["url"]
    assert "payment_url" not in body


def test_order_create_is_idempotent_with_the_header(client, future_event, ticket_type):
    url = f"/api/v1/events/{future_event.slug}/orders/"
    first = client.post(
        url, order_body(ticket_type), content_type="application/json", headers={"idempotency-key": "k1"}
    )
    again = client.post(
        url, order_body(ticket_type), content_type="application/json", headers={"idempotency-key": "k1"}
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    assert Order.objects.count() == 1
    other = client.post(
        url,
        order_body(ticket_type, email="someone@example.org"),
        content_type="application/json",
        headers={"idempotency-key": "k1"},
    )
    assert_error(other, 409, "idempotency_key_reused")


def test_order_create_sold_out_is_409(client, future_event):
    limited = TicketTypeFactory(event=future_event, capacity=0)
    response = client.post(
        f"/api/v1/events/{future_event.slug}/orders/", order_body(limited), content_type="application/json"
    )
    assert_error(response, 409, "sold_out")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"tickets": []}, "tickets"),
        ({"payment_method": "cash"}, "payment_method"),
        ({"billing": {**BILLING, "vat_id": "DE123"}}, "billing"),
        ({"billing": {**BILLING, "country": "Germany"}}, "billing"),
        ({"billing": {**BILLING, "leitweg_id": "nonsense"}}, "billing"),
        ({"tickets": [{"ticket_type": 1, "attendee_name": "x" * 201}]}, "tickets"),
        ({"tickets": [{"ticket_type": 99999999999999999999, "attendee_name": "x"}]}, "tickets"),
    ],
)
def test_order_create_rejects_bad_input(client, future_event, ticket_type, change, field):
    response = client.post(
        f"/api/v1/events/{future_event.slug}/orders/",
        order_body(ticket_type, **change),
        content_type="application/json",
    )
    body = assert_error(response, 400, "invalid")
    assert field in body["extra"]["fields"]
    assert Order.objects.count() == 0


def test_order_create_malformed_json_is_400(client, future_event):
    response = client.post(f"/api/v1/events/{future_event.slug}/orders/", "{", content_type="application/json")
    assert_error(response, 400, "malformed_request")


def test_order_create_domain_errors(client, future_event, ticket_type):
    url = f"/api/v1/events/{future_event.slug}/orders/"
    no_billing = order_body(ticket_type)
    del no_billing["billing"]
    assert_error(client.post(url, no_billing, content_type="application/json"), 400, "billing_required")
    assert_error(
        client.post(url, order_body(ticket_type, payment_method="stripe"), content_type="application/json"),
        400,
        "payment_method_unavailable",
    )
    assert_error(
        client.post(url, order_body(ticket_type, voucher="NOPE"), content_type="application/json"),
        400,
        "invalid_voucher",
    )
    assert_error(
        client.post("/api/v1/events/nope/orders/", {}, content_type="application/json"), 404, "event_not_found"
    )


def test_order_detail_needs_the_secret_and_shows_codes_once_paid(client, future_event, ticket_type):
    created = client.post(
        f"/api/v1/events/{future_event.slug}/orders/", order_body(ticket_type), content_type="application/json"
    ).json()
    url = f"/api/v1/orders/{created['code']}/"
    assert_error(client.get(url), 404, "order_not_found")
    assert_error(client.get(url, headers={"x-order-secret": "wrong"}), 404, "order_not_found")
    pending = client.get(url, headers={"x-order-secret": created["secret"]}).json()
    assert pending["status"] == "pending"
    assert pending["tickets"][0]["code"] is None
    assert pending["tickets"][0]["pdf_url"] is None

    order_mark_paid(order=Order.objects.get(code=created["code"]), amount=Decimal("534.31"))

    paid = client.get(url, headers={"x-order-secret": created["secret"]}).json()
    ticket = paid["tickets"][0]
    assert paid["status"] == "paid"
    assert ticket["code"].startswith("SC1.")
    assert ticket["pdf_url"].endswith("/tickets.pdf")
    assert {"id", "ticket_type", "attendee_name", "code", "pdf_url"} <= set(ticket)


PLAIN_BODIES = [
    {
        "email": " buyer@example.org ",
        "tickets": [{"ticket_type": 3, "attendee_name": " Max "}],
        "payment_method": "stripe",
    },
    {
        "email": "buyer@example.org",
        "tickets": [
            {"ticket_type": 3, "attendee_name": "Max", "attendee_email": ""},
            {"ticket_type": 4, "attendee_name": "Erika Müller", "attendee_email": " erika@example.org"},
        ],
        "payment_method": "invoice",
        "voucher": "  ",
        "language": "en",
        "unknown": "ignored",
        "billing": {
            **BILLING,
            "company": "",
            "country": "de",
            "vat_id": "DE 136 695 976",
            "leitweg_id": " 991-12345-73",
            "po_number": " PO 7 ",
        },
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 1, "attendee_name": "x" * 200}],
        "payment_method": "invoice",
        "voucher": "BITKOM20",
        "billing": {"company": "Amt", "street": "A 1", "postcode": "1", "city": "B", "country": "AT", "vat_id": ""},
    },
]
# Bodies the plain check leaves to the serializer: some valid (coerced by DRF), most invalid.
SERIALIZER_BODIES = [
    [],
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": "3", "attendee_name": "Max"}],
        "payment_method": "stripe",
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": True, "attendee_name": "M"}],
        "payment_method": "stripe",
    },
    {"email": "buyer@example.org", "tickets": [{"ticket_type": 3, "attendee_name": 7}], "payment_method": "stripe"},
    {"email": "buyer@example.org", "tickets": [{"ticket_type": 3, "attendee_name": " "}], "payment_method": "stripe"},
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "a\x00b"}],
        "payment_method": "stripe",
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "\ud800"}],
        "payment_method": "stripe",
    },
    {"email": "buyer@example.org", "tickets": [{"ticket_type": 0, "attendee_name": "M"}], "payment_method": "stripe"},
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}] * 51,
        "payment_method": "stripe",
    },
    {"email": "buyer@example.org", "tickets": [], "payment_method": "stripe"},
    {"email": "nope", "tickets": [{"ticket_type": 3, "attendee_name": "M"}], "payment_method": "stripe"},
    {"email": "buyer@example.org", "tickets": [{"ticket_type": 3, "attendee_name": "M"}], "payment_method": "free"},
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "stripe",
        "language": "",
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "stripe",
        "voucher": None,
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "invoice",
        "billing": None,
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "invoice",
        "billing": {**BILLING, "name": ""},
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "invoice",
        "billing": {**BILLING, "country": "D1"},
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "invoice",
        "billing": {**BILLING, "vat_id": "DE123"},
    },
    {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": 3, "attendee_name": "M"}],
        "payment_method": "invoice",
        "billing": {**BILLING, "street": None},
    },
]


def _serializer_result(body):
    from ticketing.api.serializers import OrderCreateSerializer

    serializer = OrderCreateSerializer(data=body)
    return json.loads(json.dumps(serializer.validated_data if serializer.is_valid() else serializer.errors))


@pytest.mark.parametrize("body", PLAIN_BODIES)
def test_order_create_plain_check_gives_what_the_serializer_gives(body):
    from ticketing.api.serializers import _order_create_plain

    plain = _order_create_plain(body)
    assert plain is not None
    assert json.loads(json.dumps(plain)) == _serializer_result(body)
    assert type(plain["payment_method"]) is type(_order_create_validate_drf(body)["payment_method"])


def _order_create_validate_drf(body):
    from ticketing.api.serializers import OrderCreateSerializer

    serializer = OrderCreateSerializer(data=body)
    assert serializer.is_valid()
    return serializer.validated_data


@pytest.mark.parametrize("body", SERIALIZER_BODIES)
def test_order_create_plain_check_leaves_the_rest_to_the_serializer(body):
    from ticketing.api.serializers import _order_create_plain, order_create_validate

    assert _order_create_plain(body) is None
    expected = _serializer_result(body)
    try:
        result = json.loads(json.dumps(order_create_validate(body)))
    except ValidationError as error:
        result = json.loads(json.dumps(error.detail))
    assert result == expected


def test_order_create_errors_keep_their_shape_and_messages(client, future_event, ticket_type):
    body = order_body(ticket_type, billing={**BILLING, "country": "Germany"}, tickets=[{"ticket_type": "x"}])
    response = client.post(
        f"/api/v1/events/{future_event.slug}/orders/",
        body,
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    body = assert_error(response, 400, "invalid")
    assert body["extra"]["fields"] == {
        "tickets": {
            "0": {"ticket_type": ["A valid integer is required."], "attendee_name": ["This field is required."]}
        },
        "billing": {
            "country": [
                "Ensure this field has no more than 2 characters.",
                "This value does not match the required pattern.",
            ]
        },
    }


def test_order_created_answer_is_what_the_documented_serializer_gives(rf, future_event, ticket_type):
    from ticketing.api.serializers import OrderCreatedSerializer, order_created_data, order_url

    order = order_place(
        event=future_event,
        email="buyer@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Max")],
        payment_method="invoice",
        billing=Billing(**BILLING),
    ).order
    request = rf.post("/")
    url = order_url(order, request)
    for payment_url in (None, "https://checkout.example/pay"):
        documented = dict(OrderCreatedSerializer(order, context={"request": request, "payment_url": payment_url}).data)
        assert order_created_data(order, url=url, payment_url=payment_url) == documented
    assert documented["expires_at"].endswith(("+01:00", "+02:00"))  # Berlin time, as DRF renders it


def test_order_create_query_count(client, future_event, ticket_type, django_assert_num_queries):
    url = f"/api/v1/events/{future_event.slug}/orders/"
    client.post(url, order_body(ticket_type), content_type="application/json")  # the year's invoice counter
    # (the edition is cached since the first order) Idempotency-Key, savepoint, ticket type (locked),
    # quotas (locked) with their members, tickets held, order, its audit entry, ticket, invoice
    # counter (one UPDATE … RETURNING), invoice, release savepoint
    with django_assert_num_queries(11):
        response = client.post(
            url, order_body(ticket_type), content_type="application/json", headers={"idempotency-key": "q"}
        )
    assert response.status_code == 201, response.content
    # A repeat: the key's order (id and fingerprint), the order
    with django_assert_num_queries(2):
        again = client.post(
            url, order_body(ticket_type), content_type="application/json", headers={"idempotency-key": "q"}
        )
    assert again.json()["code"] == response.json()["code"]


def test_order_api_takes_json_only(client, future_event, ticket_type):
    response = client.post(f"/api/v1/events/{future_event.slug}/orders/", {"email": "a@example.org"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert set(response.json()) == {"code", "message", "extra"}
