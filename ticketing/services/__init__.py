"""The only writers of the ticket shop, one module per concern:

- `orders`: placing orders and every status change (capacity, vouchers, approval, expiry)
- `tickets`: signed codes and the tickets PDF
- `invoices`: gap-free numbered invoices, cancellation invoices, XRechnung
- `stripe_payments`: Checkout Sessions, the webhook, refunds
- `mail`: the e-mails to buyers
- `hooks`: what each order event sets off
"""
