from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exhibitors.enums import BoothStatus, BoothType
from exhibitors.models import Booth, Exhibitor, Lead
from exhibitors.selectors import booth_exhibitor
from exhibitors.services.booking import booth_price

MAX_ID = 2**63 - 1


def _absolute(context: Mapping[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ExhibitorFilterSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, max_length=100, allow_blank=True)
    category = serializers.SlugField(required=False, max_length=50)
    hall = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class BoothFilterSerializer(serializers.Serializer[Any]):
    hall = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class CategorySerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()


class HallSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class ExhibitorBoothSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    hall = serializers.CharField()


class ExhibitorSerializer(serializers.ModelSerializer[Exhibitor]):
    description = serializers.CharField()
    logo = serializers.SerializerMethodField()
    categories = CategorySerializer(many=True)
    booths = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Exhibitor
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "description_de",
            "description_en",
            "website",
            "city",
            "country",
            "logo",
            "categories",
            "booths",
            "url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo(self, obj: Exhibitor) -> str | None:
        return _absolute(self.context, obj.logo.url) if obj.logo else None

    @extend_schema_field(ExhibitorBoothSerializer(many=True))
    def get_booths(self, obj: Exhibitor) -> list[dict[str, str]]:
        bookings = getattr(obj, "confirmed_bookings", [])
        return [{"number": b.booth.number, "hall": b.booth.hall.name} for b in bookings if b.booth]

    def get_url(self, obj: Exhibitor) -> str:
        return _absolute(self.context, obj.get_absolute_url())


class BoothSerializer(serializers.ModelSerializer[Booth]):
    hall = HallSerializer()
    type = serializers.ChoiceField(source="booth_type", choices=BoothType.choices)
    status = serializers.ChoiceField(choices=BoothStatus.choices)
    area = serializers.DecimalField(max_digits=12, decimal_places=2)
    price = serializers.SerializerMethodField(help_text="Net price (decimal string), without VAT.")
    exhibitor = serializers.SerializerMethodField(help_text="The slug of the exhibitor who booked it.")

    class Meta:
        model = Booth
        fields = [
            "id",
            "number",
            "hall",
            "type",
            "width",
            "depth",
            "area",
            "x",
            "y",
            "price",
            "currency",
            "status",
            "exhibitor",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_price(self, obj: Booth) -> str:
        price: Decimal = booth_price(booth=obj, rates=self.context.get("rates"))
        return f"{price:.2f}"

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_exhibitor(self, obj: Booth) -> str | None:
        exhibitor = booth_exhibitor(obj)
        return exhibitor.slug if exhibitor else None


class LeadInSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=4096, trim_whitespace=True)
    consent = serializers.BooleanField(
        help_text="The staff confirm that the visitor agreed at the scan to share the contact data."
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=20)


class LeadUpdateSerializer(serializers.Serializer[Any]):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=20)


class LeadSerializer(serializers.ModelSerializer[Lead]):
    ticket = serializers.IntegerField(source="ticket_id")
    consent = serializers.BooleanField(source="has_consent")
    name = serializers.CharField(source="contact_name")
    email = serializers.CharField(source="contact_email")
    company = serializers.CharField(source="contact_company")
    tags = serializers.ListField(child=serializers.CharField())
    scans = serializers.IntegerField(source="scan_count")

    class Meta:
        model = Lead
        fields = [
            "id",
            "ticket",
            "consent",
            "name",
            "email",
            "company",
            "notes",
            "rating",
            "tags",
            "scans",
            "first_scanned_at",
            "last_scanned_at",
        ]
