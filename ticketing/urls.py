from django.urls import path

from ticketing import views, views_agenda, views_checkin

app_name = "ticketing"

urlpatterns = [
    path("tickets/", views.shop, name="shop"),
    path("checkin/", views_checkin.checkin_page, name="checkin"),
    path("checkin/sw.js", views_checkin.checkin_sw, name="checkin-sw"),
    path("orders/<str:code>/<str:secret>/", views.order_page, name="order"),
    path("orders/<str:code>/<str:secret>/agenda/<id:ticket_id>/", views_agenda.agenda_page, name="agenda"),
    path("agenda/<str:token>.ics", views_agenda.agenda_feed, name="agenda-feed"),
    path("programme/sessions/<id:session_id>/agenda/", views_agenda.session_agenda_action, name="session-agenda"),
    path("orders/<str:code>/<str:secret>/tickets.pdf", views.tickets_pdf, name="tickets-pdf"),
    path("orders/<str:code>/<str:secret>/invoice.pdf", views.invoice_pdf, name="invoice-pdf"),
    path(
        "orders/<str:code>/<str:secret>/invoices/<str:number>.pdf",
        views.invoice_number_pdf,
        name="invoice-number-pdf",
    ),
    path(
        "orders/<str:code>/<str:secret>/invoices/<str:number>.xml",
        views.invoice_number_xml,
        name="invoice-number-xml",
    ),
]
