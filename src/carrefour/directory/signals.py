"""Keep a person's public-servant status in step with their verified email addresses.

Status is recomputed as soon as an address is added, verified, made primary or removed, not at
the next sign-in: removing the government address must end the access it gave at once.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import (
    email_added,
    email_changed,
    email_confirmed,
    email_removed,
    user_logged_in,
)
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from carrefour.directory.models import User
from carrefour.directory.services import user_refresh_jurisdiction


def _model(user) -> User:
    # allauth passes request.user, a lazy wrapper: the audit needs the model instance itself.
    return user if type(user) is User else User.objects.get(pk=user.pk)


@receiver(email_added)
@receiver(email_removed)
def _on_email_added_or_removed(sender, request, user, email_address, **kwargs) -> None:
    user_refresh_jurisdiction(user=_model(user))


@receiver(email_confirmed)
def _on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    user_refresh_jurisdiction(user=email_address.user)


@receiver(email_changed)
def _on_email_changed(sender, request, user, **kwargs) -> None:
    user_refresh_jurisdiction(user=_model(user))


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    user_refresh_jurisdiction(user=user)


def _refresh_after_commit(user_id: int | None) -> None:
    """Recompute once the change is committed, if the person still exists.

    Addresses also change outside allauth's pages (the admin, a shell, a deleted account's
    cascade); after the commit, a person deleted with their addresses is simply gone.
    """
    if user_id is None:
        return

    def refresh() -> None:
        user = User.objects.filter(pk=user_id).first()
        if user is not None:
            user_refresh_jurisdiction(user=user)

    transaction.on_commit(refresh)


@receiver(post_save, sender=EmailAddress)
def _on_address_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _refresh_after_commit(instance.user_id)


@receiver(post_delete, sender=EmailAddress)
def _on_address_deleted(sender, instance, **kwargs) -> None:
    _refresh_after_commit(instance.user_id)
