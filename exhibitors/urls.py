from django.urls import path

from exhibitors import views

app_name = "exhibitors"

urlpatterns = [
    path("exhibitors/", views.exhibitor_directory, name="directory"),
    # before <slug>: an exhibitor cannot be called "apply", "leads" or "portal"
    path("exhibitors/apply/", views.application, name="apply"),
    path("exhibitors/apply/thanks/", views.application_done, name="apply-done"),
    path("exhibitors/leads/", views.staff_leads, name="leads"),
    path("exhibitors/leads/scan/", views.lead_scanner, name="lead-scanner"),
    path("exhibitors/leads/scan/sw.js", views.lead_scanner_sw, name="lead-scanner-sw"),
    path("exhibitors/portal/", views.portal, name="portal"),
    path("exhibitors/portal/profile/", views.portal_profile, name="portal-profile"),
    path("exhibitors/portal/invoices/<int:invoice_id>.pdf", views.portal_invoice, name="portal-invoice"),
    path("exhibitors/<slug:slug>/", views.exhibitor_detail, name="detail"),
    path("floorplan/", views.floorplan_page, name="floorplan"),
    path("orders/<str:code>/<str:secret>/exhibitors/", views.order_leads, name="order-leads"),
]
