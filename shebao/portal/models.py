"""Self-service accounts (网上服务大厅): citizens and employers' agents sign in here, not staff.

A portal account is a `core.User` without office or posts (so every staff page refuses it) plus a
`PortalAccount` saying whose account it is: a registry person (kind `person`) or an agent acting for
one employer (kind `employer_agent`). Staff users never have a `PortalAccount`, and portal pages refuse
users without one. Accounts are opened with a one-time code sent to the phone number on record
(`PhoneCode`), then a password; real-name verification goes through `portal.realname` adapters.
`ApiToken` authenticates the phone app on the public API; only a hash of the token is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    PERSON = "person", _("Insured person")
    EMPLOYER_AGENT = "employer_agent", _("Employer's agent")


class PortalAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    # The person the account belongs to (kind person), or the agent's own person record if known.
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="portal_accounts"
    )
    # The employer an agent acts for (kind employer_agent only).
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="portal_accounts"
    )
    phone = models.CharField(_("phone"), max_length=20)
    realname_method = models.CharField(_("real-name verification"), max_length=30, blank=True)
    realname_verified_at = models.DateTimeField(_("real-name verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portal account")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(kind="person"), name="one_person_account"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="person", person__isnull=False, employer__isnull=True))
                | models.Q(kind="employer_agent", employer__isnull=False),
                name="portal_account_kind_fits",
            ),
        ]

    def __str__(self) -> str:
        # A name and the kind of account, never its internal codes (the user name is generated).
        return f"{self.user.full_name or self.get_kind_display()} ({self.get_kind_display()})"


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Open an account")
    RESET = "reset", _("Reset the password")


class PhoneCode(models.Model):
    """A one-time code sent to a phone number on record. Only its hash is kept; few tries, short life."""

    purpose = models.CharField(max_length=10, choices=CodePurpose.choices)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    employer = models.ForeignKey(
        "registry.Employer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token of the public API (`Authorization: Token <key>`). Only sha256(key) is stored."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # first characters of the key, to tell tokens apart
    label = models.CharField(_("device"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… {self.account_id}"
