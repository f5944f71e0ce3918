import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from programme.enums import SessionStatus
from programme.models import ScheduleRelease
from tests.factories.programme import EventFactory, SessionFactory, SessionSpeakerFactory, TrackFactory, berlin

pytestmark = pytest.mark.django_db


@pytest.fixture
def clash(event):
    first = SessionFactory(event=event, title_de="Erste Sitzung")
    second = SessionFactory(event=event, room=first.room, title_de="Zweite Sitzung")
    return first, second


def test_session_changelist_filters_and_search(admin_client, event, clash):
    first, _second = clash
    url = reverse("admin:programme_session_changelist")
    for params in [
        {},
        {"day": event.start_on.isoformat()},
        {"day": "garbage"},
        {"room__id__exact": first.room_id},
        {"format__exact": "talk"},
        {"status__exact": "confirmed"},
        {"q": "Erste"},
        {"event__id__exact": event.pk},
    ]:
        assert admin_client.get(url, params).status_code == 200, params
    assert admin_client.get(url, {"q": "Erste"}).context["cl"].result_count == 1


def test_session_form_shows_conflicts(admin_client, clash):
    first, _second = clash
    response = admin_client.get(reverse("admin:programme_session_change", args=[first.pk]))
    assert response.status_code == 200
    assert "Zweite Sitzung" in response.text


def test_session_save_warns_about_conflicts(admin_client, event, clash):
    first, second = clash
    url = reverse("admin:programme_session_change", args=[second.pk])
    data = {
        "event": event.pk,
        "title_de": second.title_de,
        "title_en": "",
        "format": "talk",
        "language": "de",
        "starts_at_0": "22.10.2019",
        "starts_at_1": "10:00:00",
        "ends_at_0": "22.10.2019",
        "ends_at_1": "10:30:00",
        "room": first.room_id,
        "abstract_de": "",
        "abstract_en": "",
        "description_de": "",
        "description_en": "",
        "session_speakers-TOTAL_FORMS": "0",
        "session_speakers-INITIAL_FORMS": "0",
        "session_speakers-MIN_NUM_FORMS": "0",
        "session_speakers-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert any("Erste Sitzung" in w for w in warnings)


def test_cancel_action_cancels_selected(admin_client, clash):
    first, second = clash
    response = admin_client.post(
        reverse("admin:programme_session_changelist"),
        {"action": "cancel_sessions", "_selected_action": [first.pk]},
        follow=True,
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SessionStatus.CANCELLED
    assert second.status == SessionStatus.CONFIRMED


def test_timetable_view_shows_every_room_and_marks_conflicts(admin_client, event, clash):
    response = admin_client.get(reverse("admin:programme_session_timetable"), {"event": event.pk})
    assert response.status_code == 200
    grid = response.context["grid"]
    assert len(grid.items) == 2
    assert all(item.has_conflict for item in grid.items)
    assert "tt-conflict" in response.text


def test_timetable_view_with_bad_day_falls_back(admin_client, event, clash):
    response = admin_client.get(reverse("admin:programme_session_timetable"), {"event": event.pk, "day": "x"})
    assert response.status_code == 200
    assert response.context["day"] == event.start_on


def test_conflicts_view_lists_clash(admin_client, event, clash):
    response = admin_client.get(reverse("admin:programme_session_conflicts"), {"event": event.pk})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
    assert "conflict-room_double_booked" in response.text


def test_publish_view_previews_and_publishes(admin_client, admin_user, event):
    SessionSpeakerFactory(session__event=event)
    url = reverse("admin:programme_session_publish")
    preview = admin_client.get(url, {"event": event.pk})
    assert preview.status_code == 200
    assert len(preview.context["changes"]["added"]) == 1
    assert preview.context["form"].initial["version"] == "1.0"

    digest = preview.context["form"].initial["digest"]
    response = admin_client.post(
        url, {"event": event.pk, "version": "1.0", "comment_de": "Erste Fassung", "digest": digest}
    )

    release = ScheduleRelease.objects.get(event=event)
    assert response.status_code == 302
    assert release.published_by == admin_user
    assert release.released_sessions.count() == 1


def test_publish_view_rejects_duplicate_version_with_form_error(admin_client, event):
    SessionFactory(event=event)
    url = reverse("admin:programme_session_publish")
    digest = admin_client.get(url, {"event": event.pk}).context["form"].initial["digest"]
    admin_client.post(url, {"event": event.pk, "version": "1.0", "digest": digest})
    digest = admin_client.get(url, {"event": event.pk}).context["form"].initial["digest"]
    response = admin_client.post(url, {"event": event.pk, "version": "1.0", "digest": digest})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert ScheduleRelease.objects.filter(event=event).count() == 1


def test_publish_view_needs_permission(client, event):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_session", content_type__app_label="programme"))
    client.force_login(user)
    assert client.get(reverse("admin:programme_session_timetable")).status_code == 200
    assert client.get(reverse("admin:programme_session_publish")).status_code == 403


def test_event_action_redirects_to_publish(admin_client, event):
    response = admin_client.post(
        reverse("admin:programme_event_changelist"), {"action": "publish_release", "_selected_action": [event.pk]}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?event={event.pk}")


def test_release_admin_is_read_only(admin_client, published_event):
    _event, release = published_event
    response = admin_client.get(reverse("admin:programme_schedulerelease_change", args=[release.pk]))
    assert response.status_code == 200
    assert admin_client.get(reverse("admin:programme_schedulerelease_add")).status_code == 403


@pytest.mark.parametrize("name", ["venue", "room", "event", "track", "speaker", "session", "schedulerelease"])
def test_every_changelist_renders(admin_client, published_event, name):
    assert admin_client.get(reverse(f"admin:programme_{name}_changelist")).status_code == 200


def test_speaker_autocomplete(admin_client, published_event):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "programme", "model_name": "sessionspeaker", "field_name": "speaker", "term": "Erika"},
    )
    assert response.status_code == 200
    assert response.json()["results"]


def test_day_filter_uses_berlin_days(admin_client):
    event = EventFactory()
    midnight = SessionFactory(event=event, starts_at=berlin(event.start_on, 0), ends_at=berlin(event.start_on, 1))
    SessionFactory(event=event, starts_at=berlin(event.end_on, 10), ends_at=berlin(event.end_on, 11))
    response = admin_client.get(reverse("admin:programme_session_changelist"), {"day": event.start_on.isoformat()})
    assert [s.pk for s in response.context["cl"].result_list] == [midnight.pk]


def test_publish_refuses_when_schedule_changed_after_preview(admin_client, event):
    SessionFactory(event=event)
    url = reverse("admin:programme_session_publish")
    digest = admin_client.get(url, {"event": event.pk}).context["form"].initial["digest"]
    SessionFactory(event=event, title_de="Kam nach der Vorschau", starts_at=berlin(event.start_on, 15))

    response = admin_client.post(url, {"event": event.pk, "version": "1.0", "digest": digest})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ScheduleRelease.objects.filter(event=event).exists()
    assert len(response.context["changes"]["added"]) == 2


def test_confirm_action_confirms_drafts(admin_client, event):
    draft = SessionFactory(event=event, status=SessionStatus.DRAFT)
    admin_client.post(
        reverse("admin:programme_session_changelist"), {"action": "confirm_sessions", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == SessionStatus.CONFIRMED


def test_session_form_rejects_track_of_another_edition(admin_client, event):
    session = SessionFactory(event=event)
    foreign = TrackFactory()
    data = {
        "event": event.pk,
        "title_de": "Titel",
        "title_en": "",
        "format": "talk",
        "language": "de",
        "track": foreign.pk,
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        "abstract_de": "",
        "abstract_en": "",
        "description_de": "",
        "description_en": "",
        "session_speakers-TOTAL_FORMS": "0",
        "session_speakers-INITIAL_FORMS": "0",
        "session_speakers-MIN_NUM_FORMS": "0",
        "session_speakers-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(reverse("admin:programme_session_change", args=[session.pk]), data)
    assert response.status_code == 200
    assert "track" in response.context["adminform"].form.errors
