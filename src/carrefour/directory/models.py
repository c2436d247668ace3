"""Jurisdictions, organizations, people, teams and memberships with roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carrefour.core.i18n import Translated
from carrefour.core.models import BaseModel, ContentModel


class Jurisdiction(BaseModel):
    class Kind(models.TextChoices):
        FEDERAL = "federal", _("Federal")
        PROVINCIAL = "provincial", _("Provincial")
        TERRITORIAL = "territorial", _("Territorial")
        MUNICIPAL = "municipal", _("Municipal")
        INDIGENOUS = "indigenous", _("Indigenous government")
        INTERNATIONAL = "international", _("International")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    abbreviation_en = models.CharField(_("abbreviation (English)"), max_length=20, blank=True)
    abbreviation_fr = models.CharField(_("abbreviation (French)"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("within"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Verified emails on these domains (or their subdomains) make a person a public servant here.
    email_domains = models.JSONField(_("email domains"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    name = Translated()
    abbreviation = Translated()

    class Meta:
        ordering = ["sort_order", "name_en"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:jurisdiction", kwargs={"code": self.code})


class Organization(BaseModel):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department or ministry")
        AGENCY = "agency", _("Agency")
        MUNICIPALITY = "municipality", _("Municipality")
        ACADEMIC = "academic", _("Academic institution")
        NON_PROFIT = "non_profit", _("Non-profit")
        PRIVATE = "private", _("Private sector")
        INDIGENOUS = "indigenous", _("Indigenous organization")
        INTERNATIONAL = "international", _("International organization")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=250)
    name_fr = models.CharField(_("name (French)"), max_length=250)
    acronym_en = models.CharField(_("acronym (English)"), max_length=30, blank=True)
    acronym_fr = models.CharField(_("acronym (French)"), max_length=30, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    website = models.URLField(_("website"), blank=True)

    name = Translated()
    acronym = Translated()
    description = Translated()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:organization", kwargs={"slug": self.slug})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person: a citizen, or a public servant of the jurisdiction their verified email names."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name shown to others"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    bio = models.TextField(_("about"), max_length=2000, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    # Set only from a verified email address whose domain a jurisdiction lists.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("public servant of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_servants",
        editable=False,
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("en", _("English")), ("fr", _("French"))], default="en"
    )
    profile_public = models.BooleanField(
        _("show my profile in the public directory"), default=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("email"), name="directory_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown to others: the one they chose, else a neutral label, never their address."""
        # An address (or its local part, "lea.walk") identifies a person to strangers and is
        # not a name: someone who has not chosen one is shown as a member of Carrefour.
        return self.display_name.strip() or self.get_full_name().strip() or str(_("Carrefour member"))

    @property
    def is_public_servant(self) -> bool:
        return self.jurisdiction_id is not None

    @property
    def kind_label(self) -> str:
        if self.jurisdiction_id:
            return str(_("Public servant, %(jurisdiction)s") % {"jurisdiction": self.jurisdiction})
        if self.organization_id:
            return str(self.organization)
        return str(_("Citizen"))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:person", kwargs={"pk": self.pk})


class Role(models.TextChoices):
    MEMBER = "member", pgettext_lazy("role", "Member")
    CONTRIBUTOR = "contributor", pgettext_lazy("role", "Contributor")
    EDITOR = "editor", pgettext_lazy("role", "Editor")
    MODERATOR = "moderator", pgettext_lazy("role", "Moderator")
    SECRETARIAT = "secretariat", pgettext_lazy("role", "Secretariat")
    ADMINISTRATOR = "administrator", pgettext_lazy("role", "Administrator")
    SIGNATORY = "signatory", pgettext_lazy("role", "Signatory")


class Team(ContentModel):
    """A named group whose members see 'Members' records: a network, a table, a project team."""

    class Kind(models.TextChoices):
        TEAM = "team", pgettext_lazy("team kind", "Team")
        NETWORK = "network", pgettext_lazy("team kind", "Network")
        TABLE = "table", pgettext_lazy("team kind", "Collaboration table")
        COMMITTEE = "committee", pgettext_lazy("team kind", "Committee")
        COMMUNITY = "community", pgettext_lazy("team kind", "Community of practice")
        JURISDICTION = "jurisdiction", pgettext_lazy("team kind", "Jurisdiction signatories")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.TEAM)
    name_en = models.CharField(_("name (English)"), max_length=250)
    name_fr = models.CharField(_("name (French)"), max_length=250)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, null=True, blank=True, related_name="teams"
    )

    name = Translated()
    description = Translated()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return str(self.name)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("directory:team", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs) -> None:
        # A team's own record belongs to the team itself: its members see it when it is
        # 'Members' or 'Government', and its editors edit it (and see its history).
        super().save(*args, **kwargs)
        if self.team_id is None:
            type(self).objects.filter(pk=self.pk).update(team_id=self.pk)
            self.team_id = self.pk


class Membership(BaseModel):
    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # For signatories: the jurisdiction on whose behalf they act.
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("on behalf of"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["team", "role", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team", "role"], name="directory_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.team} ({self.get_role_display()})"
