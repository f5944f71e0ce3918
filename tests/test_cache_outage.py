"""Redis down (or not answering): the cache misses and the site keeps answering from the database
(config/cache.py), pages, exports and the order API alike."""

import datetime as dt
import logging
import time

import pytest
from django.core.cache import cache

from programme.services import schedule_release_publish
from tests.factories.programme import EventFactory, SessionSpeakerFactory
from tests.factories.ticketing import TicketTypeFactory
from tests.silent_server import silent_server
from tests.ticketing.test_api import order_body
from ticketing.models import Order

pytestmark = pytest.mark.django_db


def resilient(settings, location):  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


@pytest.fixture
def edition(db):  # type: ignore[no-untyped-def]
    start = dt.date.today() + dt.timedelta(days=100)
    event = EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))
    SessionSpeakerFactory(session__event=event)
    schedule_release_publish(event=event, version="1.0")
    return event


def test_with_redis_refusing_connections_pages_exports_and_orders_still_work(settings, client, edition, caplog):
    resilient(settings, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    caplog.set_level(logging.WARNING, logger="config.cache")
    import config.cache

    config.cache._last_warning = 0.0
    assert cache.get("anything", "missed") == "missed"
    cache.set("anything", 1)  # dropped, not raised
    for path in ("programme/", "programme/schedule.json", "speakers/"):
        assert client.get(f"/{edition.slug}/{path}").status_code == 200, path
    assert client.get(f"/api/v1/events/{edition.slug}/sessions/").status_code == 200
    ticket_type = TicketTypeFactory(event=edition)
    response = client.post(
        f"/api/v1/events/{edition.slug}/orders/", order_body(ticket_type), content_type="application/json"
    )
    assert response.status_code == 201
    assert "Redis cache unavailable" in caplog.text


def test_a_redis_that_does_not_answer_costs_at_most_the_socket_timeout(settings):
    with silent_server() as (port, accepted):
        resilient(settings, f"redis://127.0.0.1:{port}/0")
        began = time.monotonic()
        assert cache.get("anything") is None
        assert time.monotonic() - began < 2.0
        assert accepted, "the client reached the silent server"


def test_with_redis_up_it_is_an_ordinary_cache(settings):
    import uuid

    resilient(settings, "redis://127.0.0.1:6379/7")  # (the RQ tests use 15 and down)
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"  # nothing flushed, nothing shared
    cache.set("a", {"x": 1}, 30)
    assert cache.get("a") == {"x": 1}
    assert cache.add("a", 2, 30) is False and cache.add("b", 2, 30) is True
    assert cache.incr("b") == 3
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.get_many(["a", "b"]) == {"a": {"x": 1}, "b": 3}
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None


def test_with_the_task_queue_down_the_order_is_placed_and_the_lost_task_logged(
    settings, client, edition, caplog, django_capture_on_commit_callbacks
):
    """The queue is Redis too: an order committed before its mail could be queued answers 201 (not a
    500 after the commit); the task that could not be queued is logged to be run again."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    caplog.set_level(logging.ERROR, logger="config.tasks")
    ticket_type = TicketTypeFactory(event=edition)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/events/{edition.slug}/orders/", order_body(ticket_type), content_type="application/json"
        )
    assert response.status_code == 201
    assert Order.objects.filter(code=response.json()["code"]).exists()
    assert "Could not enqueue" in caplog.text and "send_order_received" in caplog.text
