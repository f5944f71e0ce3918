from django.urls import path

from ticketing.api import views, webhooks

urlpatterns = [
    path("events/<slug:event>/ticket-types/", views.TicketTypeListView.as_view(), name="api-ticket-type-list"),
    path("events/<slug:event>/orders/", views.OrderCreateView.as_view(), name="api-order-create"),
    path("orders/<str:code>/", views.OrderDetailView.as_view(), name="api-order-detail"),
    path("payments/stripe/webhook/", webhooks.StripeWebhookView.as_view(), name="api-stripe-webhook"),
]
