"""Consultation tasks: thin wrappers that fetch and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def comment_moderation_notify_task(*, comment_id: int, event: str) -> None:
    from carrefour.consultations.models import Comment
    from carrefour.consultations.services import comment_moderation_notify

    comment = Comment.objects.select_related("author", "consultation").get(pk=comment_id)
    comment_moderation_notify(comment=comment, event=event)
