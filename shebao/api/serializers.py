"""Response shapes of the API (read-only). They also document the OpenAPI schema."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import Channel, Edition, InsuranceType, ItemMaterial, ItemStep, ServiceItem
from shebao.catalogue.snapshot import MATERIAL_FIELDS, SCALAR_FIELDS
from shebao.core.effects import FieldKind, get_effect
from shebao.core.models import Region


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable error code.")
    message = serializers.CharField(help_text="What went wrong, in the language of the request.")
    details = serializers.ListField(
        child=serializers.CharField(), help_text="Every specific problem (e.g. each bad field or row)."
    )


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorBodySerializer()


# --- catalogue items --------------------------------------------------------------------------------


class InsuranceTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Name in the language of the request.")

    class Meta:
        model = InsuranceType
        fields = ["code", "name", "name_zh", "name_en"]


class ChannelSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="Name in the language of the request.")

    class Meta:
        model = Channel
        fields = ["code", "name", "name_zh", "name_en"]


class LegalBasisSerializer(serializers.Serializer):
    law = serializers.CharField()
    article = serializers.CharField(allow_blank=True)


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemMaterial
        fields = ["order", *MATERIAL_FIELDS]


class StepSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    posts = serializers.ListField(child=serializers.CharField(), help_text="Codes of the posts allowed.")

    class Meta:
        model = ItemStep
        fields = ["order", "kind", "kind_label", "name_zh", "name_en", "posts"]


class ConditionSerializer(serializers.Serializer):
    """One acceptance condition the platform checks (受理条件)."""

    code = serializers.CharField(help_text="A code of the conditions vocabulary (docs/architecture.md).")
    params = serializers.DictField(help_text='Its parameter, e.g. {"insurance_type": "employee_pension"}.')
    label = serializers.CharField(  # type: ignore[assignment]  # a data field, not Field.label
        help_text="The condition in words, in the language of the request."
    )


class DataChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField(help_text="In the language of the request.")  # type: ignore[assignment]


class DataFieldSerializer(serializers.Serializer):
    """One field of an application's `data`, as the item's effect declares it."""

    name = serializers.CharField(help_text="The key in `data`.")
    kind = serializers.ChoiceField(
        choices=list(FieldKind.ALL),
        help_text="text, date (YYYY-MM-DD), choice, insurance_type (a code), insurance_types (a list of "
        "codes), id_number, credit_code, phone, account (digits) or integer.",
    )
    label = serializers.CharField(help_text="In the language of the request.")  # type: ignore[assignment]
    label_zh = serializers.CharField()
    label_en = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # DRF pops declared fields
    max_length = serializers.IntegerField(allow_null=True)
    min_value = serializers.IntegerField(allow_null=True)
    max_value = serializers.IntegerField(allow_null=True)
    choices = DataChoiceSerializer(many=True, help_text="The allowed values (choice and insurance types).")


def item_data_fields(item: ServiceItem) -> list[dict[str, Any]]:
    """The fields an application for `item` sends in `data` (the applicant's own key is never sent)."""
    effect = get_effect(item.effect_code) if item.effect_code else None
    if effect is None or effect.own_page:
        return []
    types = [{"value": t.code, "label": t.name} for t in item.insurance_types.all()]
    out = []
    for f in effect.form_fields(given={effect.applicant_key}):
        if f.kind in (FieldKind.INSURANCE_TYPE, FieldKind.INSURANCE_TYPES):
            choices = types
        else:
            choices = [{"value": c.value, "label": c.label} for c in f.choices]
        out.append(
            {
                "name": f.name,
                "kind": f.kind,
                "label": f.label,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "required": f.required,
                "max_length": f.max_length if f.kind not in NOT_TEXT else None,
                "min_value": f.min_value,
                "max_value": f.max_value,
                "choices": choices,
            }
        )
    return out


NOT_TEXT = (
    FieldKind.DATE,
    FieldKind.CHOICE,
    FieldKind.INSURANCE_TYPE,
    FieldKind.INSURANCE_TYPES,
    FieldKind.INTEGER,
)


class ItemSerializer(serializers.ModelSerializer):
    """A service item with every element of its service guide."""

    edition = serializers.IntegerField(source="edition.number", read_only=True)
    name = serializers.CharField(read_only=True, help_text="Name in the language of the request.")
    zone_label = serializers.CharField(source="get_zone_display", read_only=True)
    business_class_label = serializers.CharField(source="get_business_class_display", read_only=True)
    risk_level_label = serializers.CharField(source="get_risk_level_display", read_only=True)
    item_type_label = serializers.CharField(source="get_item_type_display", read_only=True)
    insurance_types = InsuranceTypeSerializer(many=True, read_only=True)
    channels = ChannelSerializer(many=True, read_only=True)
    legal_basis = LegalBasisSerializer(many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    conditions = serializers.SerializerMethodField()
    data_fields = serializers.SerializerMethodField(
        help_text="What an online application's `data` holds for this item (from its effect's declaration)."
    )

    class Meta:
        model = ServiceItem
        fields = [
            "edition",
            *SCALAR_FIELDS,
            "name",
            "zone_label",
            "business_class_label",
            "risk_level_label",
            "item_type_label",
            "insurance_types",
            "channels",
            "legal_basis",
            "materials",
            "steps",
            "conditions",
            "data_fields",
        ]
        read_only_fields = fields

    @extend_schema_field(DataFieldSerializer(many=True))
    def get_data_fields(self, item: ServiceItem) -> list[dict[str, Any]]:
        return item_data_fields(item)

    @extend_schema_field(ConditionSerializer(many=True))
    def get_conditions(self, item: ServiceItem) -> list[dict[str, Any]]:
        if not item.conditions:
            return []
        context = cast("dict[str, Any]", self.context)  # the root serializer's own dict, shared by rows
        names = context.get("insurance_type_names")
        if names is None:  # read once per response, and only when an item has conditions
            names = context["insurance_type_names"] = acceptance.insurance_type_names()
        return [
            {
                "code": c.get("code", ""),
                "params": dict(c.get("params") or {}),
                "label": acceptance.label(c, names),
            }
            for c in item.conditions or []
        ]


# --- editions ----------------------------------------------------------------------------------------


class EditionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    based_on: serializers.SlugRelatedField[Edition] = serializers.SlugRelatedField(
        slug_field="number",
        read_only=True,
        allow_null=True,
        help_text="Number of the edition this one was copied from.",
    )
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Edition
        fields = [
            "number",
            "title",
            "status",
            "status_label",
            "based_on",
            "notes",
            "item_count",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


# --- the diff between editions -------------------------------------------------------------------------


class MaterialSnapshotSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    is_identity_document = serializers.BooleanField()
    original_checked = serializers.BooleanField()
    copies = serializers.IntegerField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a data field, not Field.required
    legal_basis = serializers.CharField(allow_blank=True)
    note_zh = serializers.CharField(allow_blank=True)
    note_en = serializers.CharField(allow_blank=True)


class StepSnapshotSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    posts = serializers.ListField(child=serializers.CharField())


class ConditionSnapshotSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField()


class ItemSnapshotSerializer(serializers.Serializer):
    """An item in its canonical form (codes rather than objects), as compared between editions."""

    code = serializers.CharField()
    order = serializers.IntegerField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    zone = serializers.CharField()
    business_class = serializers.CharField()
    risk_level = serializers.CharField()
    fund_payout = serializers.BooleanField()
    item_type = serializers.CharField()
    statutory_limit_days = serializers.IntegerField(allow_null=True)
    promised_limit_days = serializers.IntegerField()
    acceptance_conditions_zh = serializers.CharField(allow_blank=True)
    acceptance_conditions_en = serializers.CharField(allow_blank=True)
    fee = serializers.CharField(help_text="Amount in yuan, two decimals.")
    fee_basis = serializers.CharField(allow_blank=True)
    trips = serializers.IntegerField()
    implementing_body_zh = serializers.CharField()
    implementing_body_en = serializers.CharField(allow_blank=True)
    supervision_phone = serializers.CharField(allow_blank=True)
    province_wide = serializers.BooleanField()
    cross_province = serializers.BooleanField()
    effect_code = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # not Field.source
    insurance_types = serializers.ListField(child=serializers.CharField())
    channels = serializers.ListField(child=serializers.CharField())
    legal_basis = LegalBasisSerializer(many=True)
    materials = MaterialSnapshotSerializer(many=True)
    steps = StepSnapshotSerializer(many=True)
    conditions = ConditionSnapshotSerializer(many=True)


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Name of the changed element, as in the item snapshot.")
    old = serializers.JSONField(help_text="Value in the older edition.")
    new = serializers.JSONField(help_text="Value in the newer edition.")


class ItemChangeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    fields = FieldChangeSerializer(many=True)  # type: ignore[assignment]  # DRF pops declared fields
    materials_added = serializers.ListField(child=serializers.CharField())
    materials_removed = serializers.ListField(child=serializers.CharField())


class EditionDiffSerializer(serializers.Serializer):
    old = serializers.IntegerField(help_text="Number of the older edition.")
    new = serializers.IntegerField(help_text="Number of the newer edition.")
    added = ItemSnapshotSerializer(many=True)
    removed = ItemSnapshotSerializer(many=True)
    changed = ItemChangeSerializer(many=True)


# --- conformance (四级四同) -------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_zh", "name_en", "level"]
        read_only_fields = fields


class DeviationSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    item_name = serializers.CharField()
    field = serializers.CharField()
    standard_value = serializers.JSONField()
    local_value = serializers.JSONField()
    recorded_by = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class RegionConformanceSerializer(serializers.Serializer):
    region = RegionSerializer()
    items_total = serializers.IntegerField(source="items", help_text="Items of the published edition.")
    items_deviating = serializers.IntegerField(
        source="items_with_deviations", help_text="Items the region deviates from in some element."
    )
    score = serializers.FloatField(help_text="Percentage of items without a deviation.")
    deviations = DeviationSerializer(many=True)


class ConformanceReportSerializer(serializers.Serializer):
    edition = serializers.SerializerMethodField(help_text="Number of the published edition, if any.")
    score = serializers.FloatField(help_text="Percentage of (region, item) pairs without a deviation.")
    regions = RegionConformanceSerializer(many=True)

    def get_edition(self, report: Any) -> int | None:
        return report.edition.number if report.edition is not None else None
