"""Declaration tasks: thin wrappers that fetch and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def endorsement_invitation_notify_task(*, invitation_id: int, reminder: bool = False) -> None:
    from carrefour.declarations.models import EndorsementInvitation
    from carrefour.declarations.services import endorsement_invitation_notify

    invitation = EndorsementInvitation.objects.select_related("declaration", "jurisdiction").get(pk=invitation_id)
    endorsement_invitation_notify(invitation=invitation, reminder=reminder)


@task()
def endorsement_secretariat_notify_task(*, endorsement_id: int) -> None:
    from carrefour.declarations.models import Endorsement
    from carrefour.declarations.services import endorsement_secretariat_notify

    endorsement = Endorsement.objects.select_related("declaration", "jurisdiction").get(pk=endorsement_id)
    endorsement_secretariat_notify(endorsement=endorsement)
