"""What the programme keeps in the cache between requests, and when it forgets it.

The exports (`schedule.json`, `.xml`, `.ics`) and their 304s need the published release and the
newest change to the edition, its venue, rooms, tracks and speakers: five queries. That answer is
kept in the cache under a *generation* that every change to those models moves on, so a request
that finds both in the cache runs no query at all. With Redis (`REDIS_URL`) every app server sees
a change at once; with the per-process local-memory cache the other processes see it when their
copy expires, so it is kept only a few seconds there.

The public edition under each address is kept the same way (`event_public`).

The generation is moved on at the change and again when its transaction commits: a request that
read the old rows between the two cannot leave them cached under the new generation.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from programme.models import Event, Room, ScheduleRelease, Speaker, Track, Venue
from programme.selectors import ExportState, event_get_public, export_state

GENERATION_KEY = "programme:generation"
_NOTHING = "nothing-published"  # cached stand-in for "no such public edition or nothing published"


def _state_seconds() -> int:
    shared = "redis" in settings.CACHES["default"]["BACKEND"].lower()
    return 600 if shared else 5


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Started from the clock, so a generation evicted and started again is never an old one.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
        generation = cache.get(GENERATION_KEY, 0)
    return int(generation)


@dataclass(frozen=True)
class ExportVersion:
    """What a conditional request needs of `ExportState`: a few numbers, cheap to unpickle."""

    event_id: int
    release_id: int
    last_modified: dt.datetime
    # The state this version was computed from, in the request that computed it (not pickled).
    state: ExportState | None = field(default=None, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "state": None}

    def load(self) -> ExportState:
        """The edition and release themselves, for rendering an export that is not cached."""
        if self.state is not None:
            return self.state
        return ExportState(
            event=Event.objects.select_related("venue").get(pk=self.event_id),
            release=ScheduleRelease.objects.get(pk=self.release_id),
            last_modified=self.last_modified,
        )


def export_version_cached(*, slug: str) -> ExportVersion | None:
    """`selectors.export_state` as an `ExportVersion`, from the cache when nothing changed since."""
    key = f"programme:export-state:{_generation()}:{slug}"
    cached = cache.get(key)
    if cached is not None:
        return None if cached == _NOTHING else cached
    state = export_state(slug=slug)
    version = None if state is None else ExportVersion(state.event.pk, state.release.pk, state.last_modified, state)
    cache.set(key, _NOTHING if version is None else version, _state_seconds())
    return version


def event_public(*, slug: str) -> Event:
    """`selectors.event_get_public`, from the cache when nothing changed since: every request under
    an edition's address (the shop, the door, the programme, the API) starts by looking it up."""
    key = f"programme:event:{_generation()}:{slug}"
    event = cache.get(key)
    if isinstance(event, Event):
        return event
    event = event_get_public(slug=slug)  # EventNotFound is not cached: it costs no more than a hit
    cache.set(key, event, _state_seconds())
    return event


def programme_changed() -> None:
    """Move the generation on now and once more when the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (yet, or evicted): a new one starts from the clock
        _generation()


def _changed(sender: Any, **kwargs: Any) -> None:
    programme_changed()


def connect() -> None:
    for model in (Event, Venue, Room, Track, Speaker, ScheduleRelease):
        post_save.connect(_changed, sender=model, dispatch_uid=f"programme-cache-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"programme-cache-delete-{model.__name__}")
