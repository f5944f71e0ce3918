"""The site-wide legal pages: terms and conditions (AGB), privacy notice, imprint (Impressum) and
accessibility statement.

They live in `config/` because they belong to no edition and to no app: every page's footer links
to them and the shop's consent checkbox points at two of them, so the lowest layer holds them and
every app may link to them without breaking the import direction. They read nothing but settings
(the seller on the invoices, `SELLER`, and the payment deadlines).

Each page is one template per language, `templates/legal/<page>_<language>.html`: legal text is
adapted as a whole document by the organiser (and their lawyer), not sentence by sentence in the
message catalogue. The texts are templates that say so on the page.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from config.i18n import active_language

PAGES = ("terms", "privacy", "imprint", "accessibility")


@require_safe
def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in PAGES:
        raise Http404("No such page.")
    context = {
        "legal_page": page,
        "seller": settings.SELLER,
        "order_hold_minutes": settings.ORDER_HOLD_MINUTES,
        "invoice_payment_days": settings.INVOICE_PAYMENT_DAYS,
    }
    return render(request, f"legal/{page}_{active_language()}.html", context)
