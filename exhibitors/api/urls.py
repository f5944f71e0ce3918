from django.urls import path

from exhibitors.api import views

urlpatterns = [
    path("events/<slug:event>/exhibitors/", views.ExhibitorListView.as_view(), name="api-exhibitor-list"),
    path("events/<slug:event>/booths/", views.BoothListView.as_view(), name="api-booth-list"),
    path("events/<slug:event>/leads/", views.LeadListView.as_view(), name="api-lead-list"),
    path("events/<slug:event>/leads/export.csv", views.LeadExportView.as_view(), name="api-lead-export"),
    path("events/<slug:event>/leads/<id:pk>/", views.LeadDetailView.as_view(), name="api-lead-detail"),
]
