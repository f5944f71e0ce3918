import datetime as dt
from decimal import Decimal

import pytest

from programme.models import Event
from tests.factories.programme import EventFactory
from tests.factories.ticketing import TicketTypeFactory
from ticketing.models import TicketType
from ticketing.services.orders import Billing

BILLING = Billing(
    name="Erika Mustermann",
    company="Landeshauptstadt Musterstadt",
    street="Rathausplatz 1",
    postcode="12345",
    city="Musterstadt",
    country="DE",
)


@pytest.fixture
def future_event(db: None) -> Event:
    """An edition a year ahead, so ticket types are on sale."""
    start = dt.date.today() + dt.timedelta(days=365)
    return EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))


@pytest.fixture
def ticket_type(future_event: Event) -> TicketType:
    return TicketTypeFactory(event=future_event, price_amount=Decimal("534.31"))


@pytest.fixture
def stripe_keys(settings):  # type: ignore[no-untyped-def]
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    return settings
