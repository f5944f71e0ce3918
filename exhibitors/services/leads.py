"""Lead scans by exhibitor staff, their notes and ratings, and the attendees' consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exhibitors.exceptions import InvalidTicketCode, TicketNotFound
from exhibitors.models import Exhibitor, Lead, LeadConsent
from ticketing.models import Device, Ticket
from ticketing.signing import verify_ticket

MAX_TAGS = 20
MAX_TAG_LENGTH = 50


# Leads -----------------------------------------------------------------------------------------


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip()[:MAX_TAG_LENGTH]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": [_("At most 20 tags.")]}, code="too_many_tags")
    return cleaned


def _check_rating(rating: int | None) -> None:
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Rate from 1 to 5.")]}, code="rating_range")


def _ticket_for_code(*, event_id: int, code: str) -> Ticket:
    claim = verify_ticket(code)
    if claim is None:
        raise InvalidTicketCode()
    ticket = (
        Ticket.objects.select_related("order")
        .filter(pk=claim.ticket_id, order__event_id=event_id, is_cancelled=False)
        .first()
        if claim.event_id == event_id
        else None
    )
    if ticket is None or ticket.code != code:  # another edition's, gone, cancelled or re-issued
        raise TicketNotFound()
    return ticket


def _apply_consent(lead: Lead, *, ticket: Ticket, consent: bool) -> None:
    """Contact fields are copied only when the attendee opted in and the staff confirmed it at the
    (latest) scan; otherwise the lead keeps nothing but the scan itself."""
    opted_in = LeadConsent.objects.filter(ticket=ticket, withdrawn_at__isnull=True).exists()
    lead.has_consent = bool(consent and opted_in)
    if lead.has_consent:
        lead.contact_name = ticket.attendee_name
        lead.contact_email = ticket.attendee_email or ticket.order.email
        lead.contact_company = ticket.order.billing_company
    else:
        lead.contact_name = lead.contact_email = lead.contact_company = ""


def lead_scan(
    *,
    exhibitor: Exhibitor,
    code: str,
    consent: bool,
    notes: str | None = None,
    rating: int | None = None,
    tags: list[str] | None = None,
    user: Any = None,
    device: Device | None = None,
    now: dt.datetime | None = None,
) -> tuple[Lead, bool]:
    """Record a badge scan by an exhibitor: a new lead (True) or the update of its lead (False)."""
    now = now or timezone.now()
    _check_rating(rating)
    clean_tags = _clean_tags(tags) if tags is not None else None
    ticket = _ticket_for_code(event_id=exhibitor.event_id, code=code)
    scanned_by = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(exhibitor=exhibitor, ticket=ticket).first()
        created = lead is None
        if lead is None:
            lead = Lead(exhibitor=exhibitor, ticket=ticket, first_scanned_at=now, scan_count=0)
        lead.last_scanned_at = now
        lead.scan_count += 1
        lead.scanned_by = scanned_by
        lead.scanned_by_device = device
        if notes is not None:
            lead.notes = notes.strip()
        if rating is not None:
            lead.rating = rating
        if clean_tags is not None:
            lead.tags = clean_tags
        _apply_consent(lead, ticket=ticket, consent=consent)
        if created:
            try:
                with transaction.atomic():
                    lead.save()
            except IntegrityError:
                # The same badge was scanned for this exhibitor on another connection just now.
                return lead_scan(
                    exhibitor=exhibitor,
                    code=code,
                    consent=consent,
                    notes=notes,
                    rating=rating,
                    tags=tags,
                    user=user,
                    device=device,
                    now=now,
                )[0], False
        else:
            lead.save()
    return lead, created


def lead_update(
    *,
    lead: Lead,
    notes: str | None = None,
    rating: int | None = None,
    tags: list[str] | None = None,
    clear_rating: bool = False,
) -> Lead:
    """Notes, rating and tags of a lead (what is not given stays; `clear_rating` removes the rating)."""
    _check_rating(rating)
    fields: list[str] = []
    if notes is not None:
        lead.notes, fields = notes.strip(), [*fields, "notes"]
    if rating is not None or clear_rating:
        lead.rating, fields = rating, [*fields, "rating"]
    if tags is not None:
        lead.tags, fields = _clean_tags(tags), [*fields, "tags"]
    if fields:
        with transaction.atomic():
            lead.save(update_fields=fields)
    return lead


def lead_consent_grant(*, ticket: Ticket, now: dt.datetime | None = None) -> LeadConsent:
    """The attendee agrees that exhibitors who scan the badge (and confirm it) get the contact fields."""
    now = now or timezone.now()
    with transaction.atomic():
        consent, _created = LeadConsent.objects.update_or_create(
            ticket=ticket, defaults={"granted_at": now, "withdrawn_at": None}
        )
    return consent


def lead_consent_withdraw(*, ticket: Ticket, now: dt.datetime | None = None) -> int:
    """The attendee revokes the opt-in: every lead of the ticket loses its contact fields at once.
    Returns how many leads were cleared."""
    now = now or timezone.now()
    with transaction.atomic():
        LeadConsent.objects.filter(ticket=ticket, withdrawn_at__isnull=True).update(withdrawn_at=now)
        return Lead.objects.filter(ticket=ticket, has_consent=True).update(
            has_consent=False, contact_name="", contact_email="", contact_company=""
        )


# --- a person's data (ticketing.services.privacy) ---------------------------------------------


def leads_personal_data(*, ticket_ids: list[int], **kwargs: Any) -> dict[str, Any]:
    """The leads about these tickets, for the holder's data export: who scanned them, what was
    shared and what the exhibitor noted."""
    leads = Lead.objects.filter(ticket_id__in=ticket_ids).select_related("exhibitor").order_by("first_scanned_at")
    return {
        "leads": [
            {
                "ticket": lead.ticket_id,
                "exhibitor": lead.exhibitor.name,
                "first_scanned_at": lead.first_scanned_at.isoformat(),
                "last_scanned_at": lead.last_scanned_at.isoformat(),
                "scans": lead.scan_count,
                "contact_details_shared": lead.has_consent,
                "contact": {"name": lead.contact_name, "email": lead.contact_email, "company": lead.contact_company},
                "notes": lead.notes,
                "rating": lead.rating,
                "tags": lead.tags,
            }
            for lead in leads
        ],
        "lead_consents": [
            {
                "ticket": consent.ticket_id,
                "granted_at": consent.granted_at.isoformat(),
                "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
            }
            for consent in LeadConsent.objects.filter(ticket_id__in=ticket_ids).order_by("granted_at")
        ],
    }


def leads_erase(*, ticket_ids: list[int], **kwargs: Any) -> None:
    """The tickets' holders were anonymised: their leads and consents go too (what exhibitors
    exported before is theirs to delete; docs/privacy.md)."""
    Lead.objects.filter(ticket_id__in=ticket_ids).delete()
    LeadConsent.objects.filter(ticket_id__in=ticket_ids).delete()
