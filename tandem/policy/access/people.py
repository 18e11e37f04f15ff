"""Access to organizations, programs, people and what an admin runs."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import Department, Invitation, Membership, Organization, User
from tandem.core.errors import NotFound
from tandem.matching.models import MatchingRound
from tandem.people.models import MemberExport, PartnershipRequest
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import (
    CalendarFeed,
)
from tandem.webhooks.models import Delivery, Endpoint


def _org_ids(user: User, *, status: str | None = Membership.Status.ACTIVE) -> QuerySet[Any, Any]:
    memberships = Membership.objects.filter(user=user)
    if status is not None:
        memberships = memberships.filter(status=status)
    return memberships.values("organization_id")


def _administered_org_ids(user: User) -> QuerySet[Any, Any]:
    return Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).values("organization_id")


def _admin_q(user: User) -> Q:
    # A program admin who leaves the organization stops administering its programs.
    return Q(organization_id__in=_administered_org_ids(user)) | Q(
        admins=user, organization_id__in=_org_ids(user)
    )


def programs_administered_by(user: User) -> QuerySet[Program]:
    """Return the programs this person runs, directly or as an admin of the organization."""
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(Exists(Program.objects.filter(_admin_q(user), pk=OuterRef("pk"))))


def programs_visible_to(user: User) -> QuerySet[Program]:
    """Return the programs this person may see: joinable, joined or administered."""
    if not user.is_authenticated:
        return Program.objects.none()
    active_members = _org_ids(user)
    my_organizations = Organization.objects.filter(id__in=active_members)
    eligible = (
        Q(audience=Program.Audience.ORGANIZATION, organization_id__in=active_members)
        | Q(audience=Program.Audience.PARTNERS, organization_id__in=active_members)
        | Q(
            # Listed on the program, and the partnership between the organizations stands.
            audience=Program.Audience.PARTNERS,
            partner_organizations__in=my_organizations,
            organization__partners__in=my_organizations,
        )
        | Q(
            audience=Program.Audience.ALUMNI,
            organization_id__in=_org_ids(user, status=Membership.Status.ALUMNI),
        )
        | Q(
            Exists(
                Invitation.objects.filter(
                    program=OuterRef("pk"), accepted_by=user, accepted_at__isnull=False
                )
            )
        )
    )
    # Participants keep seeing a program they joined after it closes, but only while
    # they still belong where its audience requires.
    joined = Q(Exists(Enrollment.objects.filter(program=OuterRef("pk"), user=user)))
    visible = eligible & (Q(status=Program.Status.ACTIVE) | joined) | _admin_q(user)
    # Filtering through an Exists keeps the partner/admin joins from duplicating rows.
    return Program.objects.filter(Exists(Program.objects.filter(visible, pk=OuterRef("pk"))))


def users_admitted_to(program: Program) -> QuerySet[User]:
    """Return the people the program's audience admits now (not its admins as such)."""
    org = program.organization_id
    members = Membership.objects.filter(status=Membership.Status.ACTIVE)
    if program.audience == Program.Audience.ORGANIZATION:
        admitting = members.filter(organization_id=org)
    elif program.audience == Program.Audience.PARTNERS:
        # Listed on the program, and the partnership between the organizations stands.
        partners = program.partner_organizations.filter(partners=org)
        admitting = members.filter(Q(organization_id=org) | Q(organization__in=partners))
    elif program.audience == Program.Audience.ALUMNI:
        admitting = Membership.objects.filter(organization_id=org, status=Membership.Status.ALUMNI)
    else:
        admitting = Membership.objects.none()
    # An accepted invitation to the program admits its holder whatever the audience.
    invited = Invitation.objects.filter(program=program, accepted_at__isnull=False)
    # Two semi-joins: the database checks a few people by index, or everyone in one pass.
    return User.objects.filter(
        Exists(admitting.filter(user_id=OuterRef("pk")))
        | Exists(invited.filter(accepted_by=OuterRef("pk")))
    )


def program_get_for_user(*, user: User, program_id: int) -> Program:
    """Return the program if this person may see it; otherwise raise NotFound."""
    try:
        return programs_visible_to(user).select_related("organization").get(pk=program_id)
    except Program.DoesNotExist:
        raise NotFound("No such program.") from None


def program_get_for_admin(*, user: User, program_id: int) -> Program:
    """Return the program if this person administers it; otherwise raise NotFound."""
    try:
        return programs_administered_by(user).select_related("organization").get(pk=program_id)
    except Program.DoesNotExist:
        raise NotFound("No such program.") from None


def user_administers_program(*, user: User, program: Program) -> bool:
    return programs_administered_by(user).filter(pk=program.pk).exists()


def organizations_administered_by(user: User) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(id__in=_administered_org_ids(user))


def organization_get_for_admin(*, user: User, organization_id: int) -> Organization:
    """Return the organization if this person is one of its admins; otherwise raise NotFound."""
    try:
        return organizations_administered_by(user).get(pk=organization_id)
    except Organization.DoesNotExist:
        raise NotFound("No such organization.") from None


def membership_get_for_org_admin(
    *, user: User, organization_id: int, membership_id: int
) -> Membership:
    """Return a membership of an organization this person administers; otherwise NotFound."""
    try:
        return Membership.objects.select_related(
            "user", "organization", "department", "manager__user"
        ).get(
            pk=membership_id,
            organization_id=organization_id,
            organization__in=organizations_administered_by(user),
        )
    except Membership.DoesNotExist:
        raise NotFound("No such person.") from None


def department_get_for_org_admin(
    *, user: User, organization_id: int, department_id: int
) -> Department:
    """Return a department of an organization this person administers; otherwise NotFound."""
    try:
        return Department.objects.select_related("organization").get(
            pk=department_id,
            organization_id=organization_id,
            organization__in=organizations_administered_by(user),
        )
    except Department.DoesNotExist:
        raise NotFound("No such department.") from None


def webhook_endpoint_get_for_admin(
    *, user: User, organization_id: int, endpoint_id: int
) -> Endpoint:
    """Return a webhook endpoint of an organization this person administers; else NotFound."""
    try:
        return Endpoint.objects.select_related("organization").get(
            pk=endpoint_id,
            organization_id=organization_id,
            organization__in=organizations_administered_by(user),
        )
    except Endpoint.DoesNotExist:
        raise NotFound("No such endpoint.") from None


def webhook_delivery_get_for_admin(*, user: User, endpoint: Endpoint, delivery_id: int) -> Delivery:
    """Return a delivery to an endpoint fetched through this policy; otherwise NotFound."""
    # The endpoint was fetched through the policy already; the organization is asked again,
    # in the same query, so that this helper is safe on its own.
    try:
        return Delivery.objects.select_related("replay_of").get(
            pk=delivery_id,
            endpoint_id=endpoint.pk,
            endpoint__organization__in=organizations_administered_by(user),
        )
    except Delivery.DoesNotExist:
        raise NotFound("No such delivery.") from None


def partnership_request_get_for_org_admin(
    *, user: User, organization_id: int, request_id: int
) -> PartnershipRequest:
    """Return a partnership request to an admin of either organization; otherwise NotFound."""
    try:
        return PartnershipRequest.objects.select_related(
            "from_organization", "to_organization"
        ).get(
            Q(from_organization_id=organization_id) | Q(to_organization_id=organization_id),
            Exists(organizations_administered_by(user).filter(pk=organization_id)),
            pk=request_id,
        )
    except PartnershipRequest.DoesNotExist:
        raise NotFound("No such request.") from None


def member_export_get_for_requester(
    *, user: User, organization_id: int, export_id: int
) -> MemberExport:
    """Return an unexpired members export to the admin who asked for it; otherwise NotFound."""
    try:
        return MemberExport.objects.select_related("organization").get(
            pk=export_id,
            organization_id=organization_id,
            organization__in=organizations_administered_by(user),
            requested_by=user,
            expires_at__gt=timezone.now(),
        )
    except MemberExport.DoesNotExist:
        raise NotFound("No such export.") from None


# Who may create and run programs: the organization's admins, and the members they named.
# Every path that creates a program asks this one rule.


def organizations_where_may_create_programs(user: User) -> QuerySet[Organization]:
    """Return the organizations in which this person may create and run programs."""
    if not user.is_authenticated:
        return Organization.objects.none()
    allowed = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).filter(
        Q(role=Membership.Role.ADMIN) | Q(may_run_programs=True)
    )
    return Organization.objects.filter(id__in=allowed.values("organization_id"))


def user_may_create_programs(*, user: User, organization: Organization) -> bool:
    return organizations_where_may_create_programs(user).filter(pk=organization.pk).exists()


def round_get_for_admin(*, user: User, round_id: int) -> MatchingRound:
    """Return a matching round to an admin of its program; otherwise raise NotFound."""
    try:
        return MatchingRound.objects.select_related("program__organization").get(
            pk=round_id, program__in=programs_administered_by(user).values("pk")
        )
    except MatchingRound.DoesNotExist:
        raise NotFound("No such round.") from None


def topic_get_for_admin(*, user: User, topic_id: int) -> Topic:
    """Return a topic of an organization this person administers; otherwise raise NotFound."""
    try:
        return Topic.objects.select_related("organization").get(
            pk=topic_id, organization__in=organizations_administered_by(user)
        )
    except Topic.DoesNotExist:
        raise NotFound("No such topic.") from None


def enrollment_get_own(*, user: User, program: Program) -> Enrollment | None:
    """Return this person's own enrollment in the program, if they have one."""
    return (
        Enrollment.objects.filter(program=program, user=user)
        .select_related("program", "user")
        .first()
    )


def enrollments_visible_to(user: User) -> QuerySet[Enrollment]:
    """Return the profiles this person may see: their own, fellow participants', administered."""
    if not user.is_authenticated:
        return Enrollment.objects.none()
    own = Q(user=user)
    my_active_programs = Enrollment.objects.filter(
        user=user,
        status=Enrollment.Status.ACTIVE,
        program__in=programs_visible_to(user).values("pk"),
    ).values("program_id")
    fellow = Q(status=Enrollment.Status.ACTIVE, program__in=my_active_programs)
    administered = Q(program__in=programs_administered_by(user).values("pk"))
    return Enrollment.objects.filter(own | fellow | administered)


def enrollment_get_for_user(*, user: User, enrollment_id: int) -> Enrollment:
    """Return an enrollment its owner, fellow participants or program admins may see."""
    try:
        return (
            enrollments_visible_to(user)
            .select_related("program", "user", "membership__department")
            .get(pk=enrollment_id)
        )
    except Enrollment.DoesNotExist:
        raise NotFound("No such profile.") from None


def membership_get_for_user(*, user: User, membership_id: int) -> Membership:
    """Return a membership visible to fellow active members of the same organization."""
    if not user.is_authenticated:
        raise NotFound("No such person.")
    try:
        return (
            Membership.objects.filter(Q(user=user) | Q(organization_id__in=_org_ids(user)))
            .select_related("user", "organization", "department", "manager__user")
            .get(pk=membership_id)
        )
    except Membership.DoesNotExist:
        raise NotFound("No such person.") from None


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed:
    """Return the feed this secret address belongs to; an unknown address looks missing."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise NotFound("No such calendar.")
    return feed


def invitation_get_by_token(*, token: str) -> Invitation:
    """Return a usable invitation for this token; a used or expired one looks missing."""
    invitation = (
        Invitation.objects.select_related("organization", "program").filter(token=token).first()
    )
    if invitation is None or not invitation.is_usable:
        raise NotFound("This invitation link is not valid any more.")
    return invitation
