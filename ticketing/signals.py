"""Signals the ticketing app sends for apps that build on it (it imports none of them)."""

from django.dispatch import Signal

# A person's data export is being put together: receivers return a dict of their own sections
# about the tickets (`ticket_ids`), e.g. the exhibitors app the leads about them.
personal_data_exported = Signal()
# Tickets' holders were anonymised (`ticket_ids`): receivers erase what they keep about them.
personal_data_erased = Signal()
