"""Shared model bases: timestamps, visibility, ownership, soft deletion, audit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Visibility(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("visibility", "Public")
    GOVERNMENT = "government", pgettext_lazy("visibility", "Government")
    MEMBERS = "members", pgettext_lazy("visibility", "Members")
    PRIVATE = "private", pgettext_lazy("visibility", "Private")


class ContentQuerySet(models.QuerySet):
    def alive(self) -> ContentQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> ContentQuerySet:
        return self.filter(deleted_at__isnull=False)


class ContentModel(BaseModel):
    """A record people write: it has a visibility, an owner, an optional team, a version.

    Read it only through `carrefour.core.visibility.visible_to` (lists) or `can_view`
    (one record); write it only through `carrefour.core.services` helpers, which audit.
    `version` increases on every audited update and backs optimistic concurrency.
    """

    # A new record starts visible to its team only (its owner alone when it has no team); the
    # people who write it choose what to share, and when.
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.MEMBERS, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Members of this team see records marked 'Members'; its editors edit them."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("audit action", "Created")
        UPDATE = "update", pgettext_lazy("audit action", "Updated")
        DELETE = "delete", pgettext_lazy("audit action", "Deleted")
        RESTORE = "restore", pgettext_lazy("audit action", "Restored")
        EVENT = "event", pgettext_lazy("audit action", "Event")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    # {field: [old, new]} as JSON-safe values; for EVENT, a free-form description.
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.at:%Y-%m-%d %H:%M})"


class ProblemReport(BaseModel):
    """A "Report a problem or mistake on this page" submission (the Canada.ca pattern)."""

    class Kind(models.TextChoices):
        BROKEN = "broken", _("A link, button or video is not working")
        SPELLING = "spelling", _("It has a spelling mistake")
        MISSING = "missing", _("Information is missing")
        OUTDATED = "outdated", _("Information is outdated or wrong")
        SIGN_IN = "sign_in", _("Login error when trying to access an account")
        FIND = "find", _("I can't find what I'm looking for")
        OTHER = "other", _("Other issue not in this list")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("problem status", "New")
        IN_PROGRESS = "in_progress", pgettext_lazy("problem status", "In progress")
        DONE = "done", pgettext_lazy("problem status", "Done")

    page_url = models.CharField(_("page address"), max_length=500)
    page_title = models.CharField(_("page title"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    kinds = models.JSONField(_("problems"), default=list)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")

    def __str__(self) -> str:
        return f"{self.page_url} ({self.get_status_display()})"

    def kind_labels(self) -> list[str]:
        labels = dict(self.Kind.choices)
        return [str(labels.get(k, k)) for k in self.kinds]
