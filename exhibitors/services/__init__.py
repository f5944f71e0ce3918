"""The only writers of the exhibitors app, one module per concern:

- `booking`: booth prices and passes, exhibitors, applications, confirmation onto a booth,
  cancellation, staff passes, lead devices, blocking booths
- `invoices`: the booth invoice (19 % VAT or reverse charge), its cancellation, payment
- `leads`: lead scans, notes and ratings, the attendees' consent
- `portal`: what exhibitor staff change themselves (profile, pass names, extra passes)
"""
