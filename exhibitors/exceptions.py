from django.utils.translation import gettext_lazy as _

from config.exceptions import ApplicationError


class ExhibitorsError(ApplicationError):
    code = "exhibitors_error"


class BoothTaken(ExhibitorsError):
    code = "booth_taken"
    http_status = 409
    default_message = _("This booth is already booked.")


class BoothUnavailable(ExhibitorsError):
    code = "booth_unavailable"
    http_status = 409
    default_message = _("This booth cannot be booked.")


class BookingNotApplied(ExhibitorsError):
    code = "booking_not_applied"
    http_status = 409
    default_message = _("Only an open application can be confirmed.")


class BookingWrongEdition(ExhibitorsError):
    code = "booking_wrong_edition"
    default_message = _("The booth belongs to another edition.")


class InvalidTicketCode(ExhibitorsError):
    code = "invalid_code"
    default_message = _("This is not a genuine badge code.")


class TicketNotFound(ExhibitorsError):
    code = "ticket_not_found"
    http_status = 404
    default_message = _("No valid ticket of this edition has this code.")


class ExhibitorNotFound(ExhibitorsError):
    code = "exhibitor_not_found"
    http_status = 404
    default_message = _("No such exhibitor.")


class ExhibitorRequired(ExhibitorsError):
    code = "exhibitor_required"
    default_message = _("You work for several exhibitors: name one with ?exhibitor=<slug>.")
