"""Input of the public exhibitor pages: query strings and the application form are parsed here."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.de import leitweg

from exhibitors.enums import BoothType
from exhibitors.models import Exhibitor, ExhibitorCategory
from exhibitors.services.leads import MAX_TAG_LENGTH, MAX_TAGS
from exhibitors.services.portal import MAX_EXTRA_PASSES, PROFILE_FIELDS
from exhibitors.vat import vat_id_validate


def _clean_vat_id(form: forms.BaseForm) -> None:
    """The VAT ID, normalised, must be a well-formed one of the address's country."""
    data = form.cleaned_data
    if data.get("vat_id") and "country" in data:
        try:
            data["vat_id"] = vat_id_validate(data["vat_id"], country=data["country"])
        except ValidationError as exc:
            form.add_error("vat_id", exc)


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
        label=_("Country"), regex=r"^[A-Za-z]{2}$", max_length=2, initial="DE", help_text=_("ISO code, e.g. DE.")
    )
    vat_id = forms.CharField(label=_("VAT ID"), max_length=20, required=False)
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
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
    leitweg_id = forms.CharField(
        label=_("Leitweg-ID (optional)"),
        max_length=50,
        required=False,
        help_text=_("Public bodies: the invoice is sent as an XRechnung, e.g. 04011000-1234512345-06."),
    )
    po_number = forms.CharField(label=_("Purchase-order number (optional)"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()

    def clean_leitweg_id(self) -> str:
        value = self.cleaned_data["leitweg_id"].strip()
        if value and not leitweg.is_valid(value):
            raise ValidationError(_("This is not a valid Leitweg-ID."), code="leitweg_id_invalid")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        _clean_vat_id(self)
        return self.cleaned_data


class ProfileForm(forms.ModelForm[Exhibitor]):
    """What exhibitor staff change on their public page and for their next invoice."""

    description_de = forms.CharField(
        label=_("Description (German)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=ExhibitorCategory.objects.order_by("position", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Exhibitor
        fields = [*PROFILE_FIELDS, "categories"]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}

    def clean_country(self) -> str:
        value = str(self.cleaned_data["country"]).strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise ValidationError(_("Enter the two-letter ISO code, e.g. DE."), code="country_invalid")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        _clean_vat_id(self)
        return self.cleaned_data


class PassAssignForm(forms.Form):
    ticket = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    attendee_name = forms.CharField(label=_("Name"), max_length=200)
    attendee_email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("The pass is sent there as a PDF.")
    )


class ExtraPassesForm(forms.Form):
    quantity = forms.IntegerField(label=_("Number of extra passes"), min_value=1, max_value=MAX_EXTRA_PASSES)
    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", max_length=64, widget=forms.HiddenInput)


class LeadEditForm(forms.Form):
    """Notes, rating and tags of one lead, on the staff's leads page."""

    lead = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "–"), *[(str(n), str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1100, help_text=_("Separated by commas, e.g. cloud, Berlin.")
    )

    def clean_tags(self) -> list[str]:
        tags = [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]
        if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise ValidationError(
                _("At most %(count)d tags of %(length)d characters each."),
                code="tags_too_long",
                params={"count": MAX_TAGS, "length": MAX_TAG_LENGTH},
            )
        return tags
