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


class BookingNotConfirmed(ExhibitorsError):
    code = "booking_not_confirmed"
    http_status = 409
    default_message = _("Only a confirmed booking has an invoice.")


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


class PassNotFound(ExhibitorsError):
    code = "pass_not_found"
    http_status = 404
    default_message = _("This is not one of your staff passes.")


class ExtraPassesUnavailable(ExhibitorsError):
    code = "extra_passes_unavailable"
    http_status = 409
    default_message = _("Extra passes are not on sale for this edition.")


class BillingAddressMissing(ExhibitorsError):
    code = "billing_address_missing"
    default_message = _("Please complete your company's address in your profile first: the invoice needs it.")
