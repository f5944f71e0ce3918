"""`create_device --exhibitor SLUG`: a lead scanner of that exhibitor, its token and nothing else."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from exhibitors.models import ExhibitorDevice
from tests.factories.exhibitors import ExhibitorFactory
from tests.factories.ticketing import CheckInListFactory
from ticketing.models import Device

pytestmark = pytest.mark.django_db


def test_create_device_exhibitor_prints_only_a_working_lead_token(event, exhibitor, ticket):
    out = io.StringIO()

    call_command(
        "create_device", "--event", event.slug, "--name", "Stand B12", "--exhibitor", exhibitor.slug, stdout=out
    )

    token = out.getvalue().strip()
    assert "\n" not in token and len(token) >= 40
    device = Device.objects.get()
    assert (device.name, device.kind, device.token_prefix) == ("Stand B12", "leads", token[:8])
    assert ExhibitorDevice.objects.get(device=device).exhibitor == exhibitor
    client = APIClient(HTTP_AUTHORIZATION=f"Device {token}")
    response = client.post(
        f"/api/v1/events/{event.slug}/leads/", {"code": ticket.code, "consent": False}, format="json"
    )
    assert response.status_code == 201
    # each kind only its own job: the lead scanner cannot check in at the door
    assert (
        client.post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}, format="json").status_code
        == 403
    )


def test_create_device_without_exhibitor_is_still_a_door_scanner(event):
    out = io.StringIO()
    call_command("create_device", "--event", event.slug, "--name", "Door 1", stdout=out)
    assert Device.objects.get().kind == "door"
    assert not ExhibitorDevice.objects.exists()


@pytest.mark.parametrize("slug", ["nope", "other-editions"])
def test_create_device_unknown_exhibitor_fails(event, slug):
    ExhibitorFactory(slug="other-editions")  # an exhibitor of another edition
    with pytest.raises(CommandError):
        call_command("create_device", "--event", event.slug, "--name", "x", "--exhibitor", slug, stdout=io.StringIO())
    assert not Device.objects.exists()


def test_create_device_exhibitor_with_list_fails(event, exhibitor):
    checkin_list = CheckInListFactory(event=event)
    with pytest.raises(CommandError):
        call_command(
            "create_device",
            "--event",
            event.slug,
            "--name",
            "x",
            "--exhibitor",
            exhibitor.slug,
            "--list",
            str(checkin_list.pk),
            stdout=io.StringIO(),
        )
