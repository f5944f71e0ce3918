"""Programme exports (being written)."""

from typing import Any


def schedule_xml(**kwargs: Any) -> bytes:
    raise NotImplementedError


schedule_json = schedule_ics = session_ics = schedule_xml
