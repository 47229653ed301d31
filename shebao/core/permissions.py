"""Posts (岗位) and permission codes, in one place.

Posts are data (`core.Post` rows, editable by an administrator); this module defines the codes the
code checks and the default grants that `core_bootstrap_posts` writes. Views and services only ever
ask `user.has_perm_code(CODE)`, never which post someone holds.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class Perm:
    """Permission codes checked by the code."""

    CATALOGUE_EDIT = "catalogue.edit"  # create drafts, change items, import
    CATALOGUE_PUBLISH = "catalogue.publish"
    CATALOGUE_BIND = "catalogue.bind"  # fill a region's local binding of an item
    CONFORMANCE_VIEW = "catalogue.conformance"
    STANDARDS_MANAGE = "catalogue.standards"
    CALENDAR_MANAGE = "core.calendar"
    STAFF_MANAGE = "core.staff"
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    CASE_ACCEPT_GENERAL = "cases.accept_general"
    CASE_ACCEPT_SPECIAL = "cases.accept_special"
    CASE_REVIEW = "cases.review"
    CASE_CROSS_REVIEW = "cases.cross_review"
    CASE_APPROVE = "cases.approve"
    CASE_ACCEPT_BANK = "cases.accept_bank"
    REGISTRY_VIEW = "registry.view"  # find and read persons and employers (own region and below)
    REGISTRY_FULL_ID = "registry.full_id"  # reveal a full ID number (each reveal audited)
    REGISTRY_BULK = "registry.bulk"  # bulk staff increase/decrease from a file
    DEPARTMENT_CLIENTS = "registry.department_clients"  # issue keys to other departments, read their log
    COUNTER_MANAGE = "counter.manage"  # outlets, windows, appointment slots, teller qualifications
    COUNTER_SERVE = "counter.serve"  # sign in to a window and call tickets
    CASE_MONITOR = "cases.monitor"  # see cases due soon and overdue, per office and teller
    CASE_EXTEND = "cases.extend"  # approve an extension of a case's time limit (leader)


PERMISSION_LABELS: dict[str, object] = {
    Perm.CATALOGUE_EDIT: _("Edit draft catalogue editions"),
    Perm.CATALOGUE_PUBLISH: _("Publish catalogue editions"),
    Perm.CATALOGUE_BIND: _("Fill in local bindings of items"),
    Perm.CONFORMANCE_VIEW: _("View the conformance report"),
    Perm.STANDARDS_MANAGE: _("Manage the register of standards"),
    Perm.CALENDAR_MANAGE: _("Load holiday calendars"),
    Perm.STAFF_MANAGE: _("Manage staff and posts"),
    Perm.AUDIT_VIEW: _("View the audit log"),
    Perm.AUDIT_VERIFY: _("Verify the audit chain"),
    Perm.CASE_ACCEPT_GENERAL: _("Accept general items"),
    Perm.CASE_ACCEPT_SPECIAL: _("Accept special items"),
    Perm.CASE_REVIEW: _("Review cases"),
    Perm.CASE_CROSS_REVIEW: _("Cross-review completed cases"),
    Perm.CASE_APPROVE: _("Sign off cases (leader)"),
    Perm.CASE_ACCEPT_BANK: _("Accept bank-outlet items"),
    Perm.REGISTRY_VIEW: _("Find and read insured persons and employers"),
    Perm.REGISTRY_FULL_ID: _("Reveal full ID numbers"),
    Perm.REGISTRY_BULK: _("Bulk staff increase and decrease"),
    Perm.DEPARTMENT_CLIENTS: _("Manage other departments' API access"),
    Perm.COUNTER_MANAGE: _("Manage outlets, windows, appointment slots and qualifications"),
    Perm.COUNTER_SERVE: _("Serve at a window"),
    Perm.CASE_MONITOR: _("Monitor deadlines of cases"),
    Perm.CASE_EXTEND: _("Approve extensions of time limits"),
}


class PostCode:
    """Codes of the standard posts (岗位)."""

    GENERAL_TELLER = "general_teller"  # 综合柜员
    SPECIAL_TELLER = "special_teller"  # 特殊业务柜员
    REVIEWER = "reviewer"  # 复核员
    SECTION_LEADER = "section_leader"  # 科室负责人
    AUDITOR = "auditor"  # 稽核员
    ADMIN = "admin"  # 系统管理员
    BANK_AGENT = "bank_agent"  # 银行网点柜员
    LOCAL_ADMIN = "local_admin"  # 县级业务管理员


# code: (name_zh, name_en, permission codes)
DEFAULT_POSTS: dict[str, tuple[str, str, list[str]]] = {
    PostCode.GENERAL_TELLER: (
        "综合柜员",
        "General teller",
        [Perm.CASE_ACCEPT_GENERAL, Perm.CASE_CROSS_REVIEW, Perm.REGISTRY_VIEW, Perm.COUNTER_SERVE],
    ),
    PostCode.SPECIAL_TELLER: (
        "特殊业务柜员",
        "Special-window teller",
        [
            Perm.CASE_ACCEPT_GENERAL,
            Perm.CASE_ACCEPT_SPECIAL,
            Perm.CASE_CROSS_REVIEW,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_FULL_ID,
            Perm.COUNTER_SERVE,
        ],
    ),
    PostCode.REVIEWER: (
        "复核员",
        "Reviewer",
        [Perm.CASE_REVIEW, Perm.CASE_CROSS_REVIEW, Perm.REGISTRY_VIEW, Perm.REGISTRY_FULL_ID],
    ),
    PostCode.SECTION_LEADER: (
        "科室负责人",
        "Section leader",
        [
            Perm.CASE_APPROVE,
            Perm.CASE_REVIEW,
            Perm.CONFORMANCE_VIEW,
            Perm.AUDIT_VIEW,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_FULL_ID,
            Perm.CASE_MONITOR,
            Perm.CASE_EXTEND,
        ],
    ),
    PostCode.AUDITOR: (
        "稽核员",
        "Auditor",
        [
            Perm.AUDIT_VIEW,
            Perm.AUDIT_VERIFY,
            Perm.CONFORMANCE_VIEW,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_FULL_ID,
        ],
    ),
    PostCode.ADMIN: (
        "系统管理员",
        "Administrator",
        [
            Perm.CATALOGUE_EDIT,
            Perm.CATALOGUE_PUBLISH,
            Perm.CATALOGUE_BIND,
            Perm.CONFORMANCE_VIEW,
            Perm.STANDARDS_MANAGE,
            Perm.CALENDAR_MANAGE,
            Perm.STAFF_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.AUDIT_VERIFY,
            Perm.REGISTRY_VIEW,
            Perm.REGISTRY_BULK,
            Perm.DEPARTMENT_CLIENTS,
            Perm.COUNTER_MANAGE,
            Perm.CASE_MONITOR,
        ],
    ),
    PostCode.BANK_AGENT: ("银行网点柜员", "Bank-outlet agent", [Perm.CASE_ACCEPT_BANK, Perm.COUNTER_SERVE]),
    # A city's or county's administrator fills in the local bindings (address, hours, phones) of the
    # province's items; it may not edit or publish the catalogue itself, which 四级四同 forbids.
    PostCode.LOCAL_ADMIN: (
        "县级业务管理员",
        "Local administrator",
        [Perm.CATALOGUE_BIND, Perm.CONFORMANCE_VIEW],
    ),
}
