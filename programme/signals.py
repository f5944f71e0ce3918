"""Signals the programme sends for apps that build on it (the programme imports none of them)."""

from django.dispatch import Signal

# Sent inside the transaction that publishes a release, with `release=` the new ScheduleRelease.
# The ticket shop connects its agenda to it (seats for the waiting lists, change mails).
release_published = Signal()
