"""Background work for organization admins' pages; each task is thin and safe to run twice."""

from django_tasks import task

from tandem.accounts.models import Organization, User
from tandem.accounts.services import invitation_create
from tandem.api.services import idempotency_keys_prune
from tandem.people.services.import_batches import import_batch_run, import_batches_prune
from tandem.people.services.member_exports import member_export_build, member_exports_prune
from tandem.security.services import security_events_prune


@task()
def invite_imported_people(organization_id: int, invited_by_id: int, emails: list[str]) -> None:
    """Invite people an import added; an invitation still waiting is reused, not sent again."""
    organization = Organization.objects.filter(pk=organization_id).first()
    invited_by = User.objects.filter(pk=invited_by_id).first()
    if organization is None or invited_by is None:
        return
    for email in emails:
        invitation_create(organization=organization, email=email, invited_by=invited_by)


@task()
def import_people_file(batch_id: int) -> None:
    """Import a people file its admin confirmed; a file already imported is left alone."""
    import_batch_run(batch_id=batch_id)


@task()
def build_member_export(export_id: int) -> None:
    """Write the members file an admin asked for; a finished export is left as it is."""
    member_export_build(export_id=export_id)


@task()
def prune_kept_records() -> None:
    """Daily: drop security events past their retention, unconfirmed uploads, old exports.

    Also the answers kept for API idempotency keys past their time.
    """
    security_events_prune()
    import_batches_prune()
    member_exports_prune()
    idempotency_keys_prune()
