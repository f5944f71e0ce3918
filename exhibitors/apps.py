from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibitors")

    def ready(self) -> None:
        from exhibitors.models import BoothBooking
        from exhibitors.services.leads import leads_erase, leads_personal_data
        from ticketing import audit
        from ticketing.signals import personal_data_erased, personal_data_exported

        audit.register(BoothBooking)
        personal_data_exported.connect(leads_personal_data, dispatch_uid="exhibitors-leads-export")
        personal_data_erased.connect(leads_erase, dispatch_uid="exhibitors-leads-erase")
