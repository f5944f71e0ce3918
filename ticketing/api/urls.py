from django.urls import path

from ticketing.api import agenda, checkin, views, webhooks

urlpatterns = [
    path("events/<slug:event>/ticket-types/", views.TicketTypeListView.as_view(), name="api-ticket-type-list"),
    path("events/<slug:event>/orders/", views.OrderCreateView.as_view(), name="api-order-create"),
    path("events/<slug:event>/checkin/scan/", checkin.ScanView.as_view(), name="api-checkin-scan"),
    path(
        "events/<slug:event>/checkin/offline-bundle/",
        checkin.OfflineBundleView.as_view(),
        name="api-checkin-offline-bundle",
    ),
    path("events/<slug:event>/checkin/sync/", checkin.SyncView.as_view(), name="api-checkin-sync"),
    path("events/<slug:event>/sessions/<id:session_id>/seats/", agenda.SeatView.as_view(), name="api-session-seats"),
    path("events/<slug:event>/agenda/", agenda.AgendaView.as_view(), name="api-agenda"),
    path("orders/<str:code>/", views.OrderDetailView.as_view(), name="api-order-detail"),
    path("payments/stripe/webhook/", webhooks.StripeWebhookView.as_view(), name="api-stripe-webhook"),
]
