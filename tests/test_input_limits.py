"""Every form and API input has a length limit and a clear error; uploads are checked by their
content, not their name."""

import datetime as dt
import inspect
import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

import exhibitors.forms
import programme.forms
import ticketing.forms
from programme.models import validate_speaker_photo
from tests.factories.programme import EventFactory
from tests.factories.ticketing import TicketTypeFactory
from ticketing.models import Order

FORM_MODULES = [ticketing.forms, exhibitors.forms, programme.forms]
LIMITED = ("maxLength", "enum", "format", "pattern")


def _form_classes():  # type: ignore[no-untyped-def]
    for module in FORM_MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.parametrize("form_class", list(_form_classes()), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_text_field_of_every_form_has_a_length_limit(form_class):
    unlimited = [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert unlimited == []


def _strings_without_limit(schema, path):  # type: ignore[no-untyped-def]
    if "$ref" in schema:
        return []
    found = []
    if schema.get("type") == "string" and not any(key in schema for key in LIMITED):
        found.append(path)
    for name, sub in schema.get("properties", {}).items():
        found += _strings_without_limit(sub, f"{path}.{name}")
    if "items" in schema:
        found += _strings_without_limit(schema["items"], f"{path}[]")
    for key in ("allOf", "oneOf", "anyOf"):
        for n, sub in enumerate(schema.get(key, [])):
            found += _strings_without_limit(sub, f"{path}.{key}{n}")
    return found


def test_every_string_the_api_accepts_has_a_length_limit():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    unlimited = []
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            unlimited += _strings_without_limit(component, name)
    assert unlimited == []


@pytest.fixture
def ticket_type(db):  # type: ignore[no-untyped-def]
    start = dt.date.today() + dt.timedelta(days=365)
    return TicketTypeFactory(event=EventFactory(start_on=start, end_on=start + dt.timedelta(days=2)))


def test_an_over_long_api_value_is_a_field_error_and_stores_nothing(client, ticket_type):
    body = {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": ticket_type.pk, "attendee_name": "x" * 5000}],
        "payment_method": "invoice",
        "billing": {"name": "E", "street": "S", "postcode": "1", "city": "B", "country": "DE"},
    }
    response = client.post(f"/api/v1/events/{ticket_type.event.slug}/orders/", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert "attendee_name" in str(error["extra"]["fields"])
    assert not Order.objects.exists()


def test_an_over_long_idempotency_key_is_refused(client, ticket_type):
    body = {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": ticket_type.pk, "attendee_name": "Erika"}],
        "payment_method": "invoice",
        "billing": {"name": "E", "street": "S", "postcode": "1", "city": "B", "country": "DE"},
    }
    response = client.post(
        f"/api/v1/events/{ticket_type.event.slug}/orders/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k" * 101},
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["extra"]["fields"]
    assert not Order.objects.exists()


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),  # a name that lies
        ("photo.png", b"GIF89a" + b"\x00" * 40),
        ("photo.png", _image("GIF")),  # a real image, but not one we serve
        ("photo.jpg", _image("JPEG")[:40]),  # cut off
    ],
)
def test_speaker_photos_are_checked_by_content(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_speaker_photo(SimpleUploadedFile(name, content))
    assert refused.value.code == "image_invalid"


def test_a_real_photo_passes_and_a_huge_one_does_not():
    validate_speaker_photo(SimpleUploadedFile("photo.png", _image("PNG")))
    validate_speaker_photo(SimpleUploadedFile("photo.webp", _image("WEBP")))
    huge = SimpleUploadedFile("photo.png", _image("PNG") + b"\x00" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        validate_speaker_photo(huge)
    assert refused.value.code == "image_too_large"
