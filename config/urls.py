from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import legal
from config.converters import IdConverter
from programme import views as programme_views

register_converter(IdConverter, "id")

admin.site.site_header = _("SCCON administration")
admin.site.site_title = _("SCCON admin")
admin.site.index_title = _("Programme, tickets and exhibitors")

# Site-wide legal pages, before the edition slugs (an edition cannot be called "terms" & co.).
legal_patterns = [path(f"{page}/", legal.legal_page, {"page": page}, name=page) for page in legal.PAGES]

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (admin, PDFs, the API's pages).
    path("favicon.ico", programme_views.favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff who are not organisers (door staff, exhibitor staff) log in here, not in admin.
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("programme.api.urls")),
    path("api/v1/", include("ticketing.api.urls")),
    path("api/v1/", include("exhibitors.api.urls")),
    path("", include((legal_patterns, "legal"))),
    path("", programme_views.index, name="index"),
    path("<slug:event>/", include("programme.urls")),
    path("<slug:event>/", include("ticketing.urls")),
    path("<slug:event>/", include("exhibitors.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "programme.views.page_not_found"
handler500 = "programme.views.server_error"
