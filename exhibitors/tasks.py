"""Background work of the exhibitors app (Django's task framework): take ids, load, call a service."""

from django.tasks import task

from config.tasks import retried_on_mail_errors
from ticketing.models import Invoice


@task
@retried_on_mail_errors
def send_booth_invoice(invoice_id: int) -> None:
    from exhibitors.services.mail import booth_invoice_send

    invoice = Invoice.objects.select_related("booth_link__booking__exhibitor__event__venue").filter(pk=invoice_id)
    if found := invoice.first():
        booth_invoice_send(invoice=found)
