"""Input of the public exhibitor pages: query strings and the application form are parsed here."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from exhibitors.enums import BoothType


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = forms.SlugField(required=False, max_length=50)
    hall = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ApplicationForm(forms.Form):
    """A company's application for a booth (no login needed)."""

    name = forms.CharField(label=_("Company"), max_length=200)
    street = forms.CharField(label=_("Street"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.RegexField(
        label=_("Country"), regex=r"^[A-Za-z]{2}$", initial="DE", help_text=_("ISO code, e.g. DE.")
    )
    vat_id = forms.CharField(label=_("VAT ID"), max_length=20, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    wished_booth_type = forms.ChoiceField(label=_("Booth type"), choices=BoothType.choices, initial=BoothType.ROW)
    wished_width = forms.DecimalField(
        label=_("Width (m)"), min_value=Decimal("1"), max_value=Decimal("50"), decimal_places=2, initial=3
    )
    wished_depth = forms.DecimalField(
        label=_("Depth (m)"), min_value=Decimal("1"), max_value=Decimal("50"), decimal_places=2, initial=3
    )
    co_exhibitors = forms.CharField(
        label=_("Co-exhibitors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One company per line."),
    )
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
