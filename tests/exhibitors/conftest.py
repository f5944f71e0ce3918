import datetime as dt

import pytest

from tests.factories.exhibitors import ExhibitorFactory, ExhibitorStaffFactory, lead_device_with_token
from tests.factories.programme import EventFactory
from tests.factories.ticketing import PaidTicketFactory


@pytest.fixture
def event(db):  # type: ignore[no-untyped-def]
    return EventFactory()


@pytest.fixture
def exhibitor(event):  # type: ignore[no-untyped-def]
    return ExhibitorFactory(event=event, name="Alpha Digital GmbH")


@pytest.fixture
def other_exhibitor(event):  # type: ignore[no-untyped-def]
    return ExhibitorFactory(event=event, name="Beta Verwaltung AG")


@pytest.fixture
def ticket(event):  # type: ignore[no-untyped-def]
    return PaidTicketFactory(
        order__event=event,
        order__billing_company="Stadt Musterstadt",
        attendee_name="Erika Mustermann",
        attendee_email="erika@musterstadt.de",
    )


@pytest.fixture
def lead_token(exhibitor):  # type: ignore[no-untyped-def]
    return lead_device_with_token(exhibitor=exhibitor)[1]


@pytest.fixture
def staff_user(exhibitor):  # type: ignore[no-untyped-def]
    return ExhibitorStaffFactory(exhibitor=exhibitor).user


@pytest.fixture
def future_event(db):  # type: ignore[no-untyped-def]
    """An edition two months ahead (names can still change, passes are on sale)."""
    start = dt.date.today() + dt.timedelta(days=60)
    return EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Rendered PDFs and uploads go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
