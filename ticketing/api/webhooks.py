"""Stripe webhook endpoint (being written)."""

from rest_framework.views import APIView


class StripeWebhookView(APIView):
    pass
