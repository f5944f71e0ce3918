"""Background work of the exhibitors app (Django's task framework): take ids, load, call a service."""

from django.tasks import task

from ticketing.models import Invoice


@task
def send_booth_invoice(invoice_id: int) -> None:
    from exhibitors.services.mail import booth_invoice_send

    invoice = Invoice.objects.select_related("booth_link__booking__exhibitor__event__venue").filter(pk=invoice_id)
    if found := invoice.first():
        booth_invoice_send(invoice=found)
