from django.utils.translation import gettext_lazy as _

from config.exceptions import ApplicationError, NotFound, ServiceUnavailable


class TicketingError(ApplicationError):
    code = "ticketing_error"


class SoldOut(TicketingError):
    code = "sold_out"
    http_status = 409
    default_message = _("Sorry, these tickets are sold out.")


class NotOnSale(TicketingError):
    code = "not_on_sale"
    http_status = 409
    default_message = _("This ticket is not on sale.")


class UnknownTicketType(TicketingError):
    code = "unknown_ticket_type"
    default_message = _("There is no such ticket type for this edition.")


class QuantityOutOfRange(TicketingError):
    code = "quantity_out_of_range"
    default_message = _("The number of tickets is outside what this ticket type allows per order.")


class InvalidVoucher(TicketingError):
    code = "invalid_voucher"
    default_message = _("This voucher is not valid.")


class VoucherExhausted(TicketingError):
    code = "voucher_exhausted"
    http_status = 409
    default_message = _("This voucher has been used up.")


class BillingRequired(TicketingError):
    code = "billing_required"
    default_message = _("Payment by invoice needs a billing address.")


class PaymentMethodUnavailable(TicketingError):
    code = "payment_method_unavailable"
    default_message = _("This payment method is not available.")


class IdempotencyKeyReused(TicketingError):
    code = "idempotency_key_reused"
    http_status = 409
    default_message = _("This Idempotency-Key was already used for a different order.")


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = _("No such order.")


class InvalidOrderState(TicketingError):
    code = "invalid_order_state"
    http_status = 409
    default_message = _("The order is not in a state that allows this.")


class PaymentProviderUnavailable(ServiceUnavailable):
    code = "payment_provider_unavailable"
    default_message = _("The payment provider could not be reached. Your order is kept; please try again.")


class CheckInListNotFound(TicketingError):
    code = "unknown_checkin_list"
    default_message = _("There is no such check-in list for this edition, and no default list.")


class SessionNotBookable(TicketingError):
    code = "session_not_bookable"
    http_status = 409
    default_message = _("This session has no seats to book (or it has started, or was cancelled).")


class TicketNotAdmitted(TicketingError):
    code = "ticket_not_admitted"
    http_status = 409
    default_message = _("This ticket does not admit its holder to the session (e.g. a day ticket for another day).")


class SeatOverlap(TicketingError):
    code = "seat_overlap"
    http_status = 409
    default_message = _("You already hold a seat in a session at the same time.")


class SessionFull(TicketingError):
    code = "session_full"
    http_status = 409
    default_message = _("All seats are taken. You can join the waiting list.")
