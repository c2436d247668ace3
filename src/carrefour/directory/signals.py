"""Keep a person's public-servant status in step with their verified email addresses."""

from __future__ import annotations

from allauth.account.signals import email_changed, email_confirmed, user_logged_in
from django.dispatch import receiver

from carrefour.directory.services import user_refresh_jurisdiction


@receiver(email_confirmed)
def _on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    user_refresh_jurisdiction(user=email_address.user)


@receiver(email_changed)
def _on_email_changed(sender, request, user, **kwargs) -> None:
    user_refresh_jurisdiction(user=user)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    user_refresh_jurisdiction(user=user)
