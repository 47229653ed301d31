"""Request and response shapes of the self-service API (/api/v1/auth/, me/, employer/ …).

Shapes only: the rules (who may book, what an application needs, when a case can be rated) are in
the services the views call. ID numbers and phone numbers leave the API masked.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shebao.cases.models import CaseStatus, Channel
from shebao.catalogue.models import Zone
from shebao.core.masking import mask_id_number, mask_phone
from shebao.counter.models import AppointmentStatus
from shebao.portal.models import AccountKind
from shebao.registry.models import EnrolmentStatus


def _values(choices: Any) -> str:
    # Plain strings, not enums: several API components name different choice sets `status`/`kind`.
    return "One of: " + ", ".join(f"`{v}`" for v in choices.values) + "."


# --- tokens ------------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    id_number = serializers.CharField(
        max_length=18, help_text="公民身份号码 of the account holder (for an employer's agent: the agent's)."
    )
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    credit_code = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        default="",
        help_text="统一社会信用代码 of the employer, for an employer's agent only.",
    )
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=60, required=False, allow_blank=True, default="", help_text="A name for the device."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: shown once, send it as `Authorization: Token <key>`.")
    prefix = serializers.CharField(help_text="First characters of the key, to tell tokens apart.")
    label = serializers.CharField()  # type: ignore[assignment]
    expires_at = serializers.DateTimeField()
    account_kind = serializers.CharField(help_text=_values(AccountKind))


# --- opening an account, resetting the password -------------------------------------------------------


class CodeRequestSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(
        choices=[("register", "register"), ("reset", "reset")],
        help_text="register: open an account; reset: set a new password.",
    )
    id_number = serializers.CharField(max_length=18, help_text="公民身份号码 as in the registry.")
    name = serializers.CharField(max_length=60, help_text="The name exactly as on the identity card.")


class EvidenceFieldSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Key to send in `evidence`.")
    label = serializers.CharField()  # type: ignore[assignment]
    help_text = serializers.CharField()  # type: ignore[assignment]


class CodeSentSerializer(serializers.Serializer):
    code_id = serializers.IntegerField(help_text="Send it back with the code.")
    purpose = serializers.CharField()
    phone = serializers.CharField(help_text="The phone number on record the code went to, masked.")
    expires_at = serializers.DateTimeField()
    evidence_fields = EvidenceFieldSerializer(
        many=True, help_text="Real-name evidence to send when opening the account (empty for a reset)."
    )

    def to_representation(self, row: Any) -> dict[str, Any]:
        fields = self.context.get("evidence_fields", []) if row.purpose == "register" else []
        return {
            "code_id": row.pk,
            "purpose": row.purpose,
            "phone": mask_phone(row.phone),
            "expires_at": serializers.DateTimeField().to_representation(row.expires_at),
            "evidence_fields": [
                {"name": f.name, "label": str(f.label), "help_text": str(f.help_text)} for f in fields
            ],
        }


class CodePasswordSerializer(serializers.Serializer):
    """Step 2 of every account flow: the code of step 1 and the (new) password."""

    code_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    code = serializers.CharField(max_length=6, min_length=6, help_text="The 6 digits of the text message.")
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=60, required=False, allow_blank=True, default="", help_text="A name for the device."
    )


class AccountOpenSerializer(CodePasswordSerializer):
    evidence = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        default=dict,
        help_text="Real-name evidence, keyed by the names in `evidence_fields`.",
    )


class AgentCodeRequestSerializer(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18, help_text="统一社会信用代码 of the employer.")
    id_number = serializers.CharField(max_length=18, help_text="公民身份号码 of the agent.")
    name = serializers.CharField(max_length=60, help_text="The agent's name as on the identity card.")


class AgentCodeSentSerializer(serializers.Serializer):
    code_id = serializers.IntegerField(help_text="Send it back with the code.")
    employer = serializers.CharField(help_text="The employer's name, to confirm.")
    phone = serializers.CharField(
        help_text="The employer's contact phone on record the code went to, masked."
    )
    expires_at = serializers.DateTimeField()

    def to_representation(self, sent: Any) -> dict[str, Any]:
        return {
            "code_id": sent.phone_code.pk,
            "employer": sent.employer.name,
            "phone": sent.masked_phone,
            "expires_at": serializers.DateTimeField().to_representation(sent.phone_code.expires_at),
        }


class AgentAccountOpenSerializer(AgentCodeRequestSerializer, CodePasswordSerializer):
    """The same credit code, ID number and name as step 1, with the code and a password."""


# --- the account holder ------------------------------------------------------------------------------


class EmployerBriefSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()


class ProfileSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_values(AccountKind))
    name = serializers.CharField(help_text="The person's name (for an agent: the agent's, if on record).")
    id_number = serializers.CharField(help_text="Masked, e.g. `990121********0021`.")
    phone = serializers.CharField(help_text="Masked, e.g. `138****5678`.")
    realname_verified = serializers.BooleanField()
    employer = EmployerBriefSerializer(allow_null=True, help_text="The employer an agent acts for.")

    def to_representation(self, account: Any) -> dict[str, Any]:
        person = account.person
        employer = account.employer
        return {
            "kind": account.kind,
            "name": person.name if person is not None else "",
            "id_number": mask_id_number(person.id_number) if person is not None else "",
            "phone": mask_phone(account.phone),
            "realname_verified": account.realname_verified_at is not None,
            "employer": (
                {"credit_code": employer.credit_code, "name": employer.name} if employer is not None else None
            ),
        }


class EnrolmentSerializer(serializers.Serializer):
    insurance_type = serializers.CharField(source="insurance_type.code", help_text="Insurance type code.")
    insurance_type_name = serializers.CharField(source="insurance_type.name")
    employer = EmployerBriefSerializer(allow_null=True, help_text="Null for residents' insurance.")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, help_text="Null while the enrolment is open.")
    status = serializers.CharField(help_text=_values(EnrolmentStatus))
    status_label = serializers.CharField(source="get_status_display")


class PersonEmployerSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()
    insurance_types = serializers.ListField(
        child=serializers.CharField(), help_text="Insurance type names, in the language of the request."
    )
    start_date = serializers.DateField(help_text="Earliest start of an enrolment through this employer.")
    end_date = serializers.DateField(allow_null=True, help_text="Null while any enrolment is open.")
    current = serializers.BooleanField()


# --- cases -------------------------------------------------------------------------------------------


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    item_code = serializers.CharField()
    item_name = serializers.CharField(source="item.name")
    status = serializers.CharField(help_text=_values(CaseStatus))
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField(help_text=_values(Channel))
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateField(allow_null=True, help_text="Null while the clock is stopped.")
    overdue = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)


class CaseStepSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text="The kind of step, in the language of the request.")
    handled_by = serializers.CharField(help_text="The outlet or office handling it (never a staff name).")
    state = serializers.ChoiceField(choices=[("done", "done"), ("current", "current"), ("todo", "todo")])


class CaseActionSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()  # type: ignore[assignment]
    step_name = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True, help_text="What is missing, why refused or extended.")


class CaseUploadSerializer(serializers.Serializer):
    material_index = serializers.IntegerField()
    material_name = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class RequestedMaterialSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The material's index: send the file with this index.")
    name = serializers.CharField()


def _requested(case: Any) -> list[dict[str, Any]]:
    """The materials the open return asked for, with their upload indexes."""
    from shebao.cases.services.online import item_materials

    asked = list(case.requested_materials or [])
    if not asked:
        return []
    return [
        {"index": i, "name": m.name} for i, m in enumerate(item_materials(case.item)) if m.name_zh in asked
    ]


class CaseDetailSerializer(CaseSerializer):
    """A case with its progress. Serializes a `portal.selectors.CaseDetail`."""

    deadline_provisional = serializers.BooleanField()
    result = serializers.CharField(allow_blank=True, help_text="The result text once the case is finished.")
    returned = serializers.BooleanField(help_text="Returned for correction: answer it with a supplement.")
    rateable = serializers.BooleanField(help_text="Whether the case can be rated now.")
    requested_materials = RequestedMaterialSerializer(
        many=True,
        help_text="What the return for correction asked for: a supplement without every one is refused.",
    )
    steps = CaseStepSerializer(many=True)
    actions = CaseActionSerializer(many=True)
    uploads = CaseUploadSerializer(many=True)

    def to_representation(self, detail: Any) -> dict[str, Any]:
        data = CaseSerializer(detail.case).data
        data.update(
            {
                "deadline_provisional": detail.case.deadline_provisional,
                "result": detail.case.result,
                "returned": detail.returned,
                "rateable": detail.rateable,
                "requested_materials": _requested(detail.case),
                "steps": CaseStepSerializer(detail.steps, many=True).data,
                "actions": CaseActionSerializer(detail.actions, many=True).data,
                "uploads": CaseUploadSerializer(detail.uploads, many=True).data,
            }
        )
        return data


class RatingRequestSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="Rating level value (5 very satisfied … 1 very dissatisfied).")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RatingSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.number")
    level = serializers.IntegerField(source="level.value")
    level_label = serializers.CharField(source="level.name")
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


# --- messages ----------------------------------------------------------------------------------------


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    case = serializers.CharField(source="case.number", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


# --- appointments ------------------------------------------------------------------------------------


class OutletBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outlet = OutletBriefSerializer()
    zone = serializers.ChoiceField(choices=Zone.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    free = serializers.IntegerField(help_text="Places still free.")

    def to_representation(self, slot: Any) -> dict[str, Any]:
        slot.free = max(slot.capacity - slot.booked, 0)
        return super().to_representation(slot)


class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="Booking code to show at the kiosk.")
    status = serializers.CharField(help_text=_values(AppointmentStatus))
    status_label = serializers.CharField(source="get_status_display")
    outlet = OutletBriefSerializer(source="slot.outlet")
    zone = serializers.ChoiceField(source="slot.zone", choices=Zone.choices)
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    item_code = serializers.CharField(allow_blank=True)


class AppointmentBookSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, help_text="Id of a free slot (from `appointment-slots/`).")
    item_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


# --- online applications -----------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "description": 'A JSON object, as text (e.g. `{"phone": "13900000000"}`).'}
)
class JSONTextField(serializers.JSONField):
    """A JSON value sent as a text part of a multipart form."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(binary=True, **kwargs)


class ApplyItemSerializer(serializers.Serializer):
    """An item the signed-in account may apply for online (the service guide has the rest)."""

    code = serializers.CharField()
    name = serializers.CharField()
    zone = serializers.CharField()
    zone_label = serializers.CharField(source="get_zone_display")
    business_class = serializers.CharField()
    business_class_label = serializers.CharField(source="get_business_class_display")
    promised_limit_days = serializers.IntegerField()


class ApplicationRequestSerializer(serializers.Serializer):
    """Multipart form: `item_code`, `data` (a JSON object) and one file field per material."""

    item_code = serializers.CharField(max_length=32)
    data = JSONTextField(  # type: ignore[assignment]
        required=False,
        default=dict,
        help_text="The fields the item's form asks for: its `data_fields` (`catalogue/items/{code}/`), keyed "
        "by name; dates as YYYY-MM-DD.",
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Uploaded materials (PDF, JPEG or PNG), in the order of `materials`.",
    )
    materials = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=list,
        help_text="For each file, the index of the item's material it is.",
    )


class SupplementRequestSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), help_text="The missing materials.")
    materials = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="For each file, the index of the item's material it is.",
    )
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- employer ----------------------------------------------------------------------------------------


class EmployerSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()
    employer_type = serializers.CharField()
    industry = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    address = serializers.CharField(allow_blank=True)
    contact_name = serializers.CharField(allow_blank=True)
    staff_count = serializers.IntegerField()


class StaffSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(help_text="Internal id of the person (use it in staff changes).")
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="Masked.")
    insurance_types = serializers.ListField(child=serializers.CharField(), help_text="Insurance type codes.")
    start_date = serializers.DateField(allow_null=True, help_text="Earliest open enrolment here.")

    def to_representation(self, line: Any) -> dict[str, Any]:
        return {
            "person_id": line.person_id,
            "name": line.name,
            "id_number": line.masked_id,
            "insurance_types": [t.code for t in line.types],
            "start_date": line.since.isoformat() if line.since else None,
        }


class StaffChangeRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("increase", "increase"), ("decrease", "decrease")])
    id_number = serializers.CharField(max_length=18, help_text="公民身份号码 of the employee.")
    name = serializers.CharField(max_length=60, help_text="The employee's name as on the identity card.")
    date = serializers.DateField(help_text="The day the employee joins or leaves.")
    insurance_types = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        help_text="Insurance type codes for an increase (empty: the employer's usual types).",
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StaffFileRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "The staff changes file (.xlsx or .csv; columns action, id_number, name, date, insurance_types, "
            "phone, household_type, address — as the employer site's template)."
        )
    )


class StaffChangeSerializer(CaseSerializer):
    """The case a staff change became (it is handled like any other case)."""
