"""Who the token acts as, the programs it can see, and profiles (enrollments)."""

from django.http import HttpRequest
from ninja import Query, Router

from tandem.api.auth import caller_of
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.scope import check_within, within
from tandem.api.errors import error_responses
from tandem.api.pagination import PageIn, page_of, paginate
from tandem.api.schemas import EnrollmentOut, MeOut, ProgramOut, TokenOut
from tandem.policy.access import (
    enrollment_get_for_user,
    enrollments_visible_to,
    program_get_for_user,
    programs_visible_to,
)
from tandem.programs.models import Enrollment

router = Router(tags=["people and programs"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)


@router.get("/me", response={200: MeOut, **READ_ERRORS})
def me(request: HttpRequest) -> MeOut:
    """Return who this token acts as, and the token's own scope and expiry."""
    caller = caller_of(request)
    token = caller.token
    return MeOut(
        id=caller.user.pk,
        name=caller.user.full_name,
        display_name=caller.user.display_name,
        email=None if caller.is_service else caller.user.email,
        token=TokenOut(
            name=token.name,
            kind="service" if caller.is_service else "personal",
            scope=token.scope,
            expires_at=token.expires_at,
            organization_id=token.organization_id,
        ),
    )


@router.get("/me/enrollments", response={200: page_of(EnrollmentOut), **READ_ERRORS})
def my_enrollments(request: HttpRequest, page: Query[PageIn]) -> dict[str, object]:
    """List this person's own profiles, in every program they joined."""
    caller = caller_of(request)
    mine = Enrollment.objects.filter(user=caller.user)
    if caller.is_service:
        mine = Enrollment.objects.none()
    mine = mine.select_related("user").prefetch_related("topics__topic").order_by("pk")
    return paginate(mine, page, EnrollmentOut.of)


@router.get("/programs", response={200: page_of(ProgramOut), **READ_ERRORS})
def program_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, object]:
    """List the programs this person may see: joinable, joined or administered."""
    caller = caller_of(request)
    programs = within(caller, programs_visible_to(caller.user), "organization_id")
    return paginate(programs.order_by("name", "pk"), page, ProgramOut.of)


@router.get("/programs/{program_id}", response={200: ProgramOut, **READ_ERRORS})
def program_detail(request: HttpRequest, program_id: RowId) -> ProgramOut:
    """Return one program this person may see."""
    caller = caller_of(request)
    program = program_get_for_user(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    return ProgramOut.of(program)


@router.get(
    "/programs/{program_id}/enrollments",
    response={200: page_of(EnrollmentOut), **READ_ERRORS},
)
def program_enrollments(
    request: HttpRequest, program_id: RowId, page: Query[PageIn]
) -> dict[str, object]:
    """List the profiles in a program this person may see, as its pages show them."""
    caller = caller_of(request)
    program = program_get_for_user(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    profiles = (
        enrollments_visible_to(caller.user)
        .filter(program=program)
        .select_related("user")
        .prefetch_related("topics__topic")
        .order_by("user__full_name", "pk")
    )
    return paginate(profiles, page, EnrollmentOut.of)


@router.get("/enrollments/{enrollment_id}", response={200: EnrollmentOut, **READ_ERRORS})
def enrollment_detail(request: HttpRequest, enrollment_id: RowId) -> EnrollmentOut:
    """Return one profile its owner, fellow participants or the program's admins may see."""
    caller = caller_of(request)
    enrollment = enrollment_get_for_user(user=caller.user, enrollment_id=enrollment_id)
    check_within(caller, enrollment.program.organization_id, "No such profile.")
    return EnrollmentOut.of(enrollment)
