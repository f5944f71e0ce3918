from django.urls import path

from exhibitors import views

app_name = "exhibitors"

urlpatterns = [
    path("exhibitors/", views.exhibitor_directory, name="directory"),
    path("exhibitors/<slug:slug>/", views.exhibitor_detail, name="detail"),
    path("floorplan/", views.floorplan_page, name="floorplan"),
]
