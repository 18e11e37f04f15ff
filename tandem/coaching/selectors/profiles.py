"""Coach profiles as clients read them: on the directory's cards and on a coach's page."""

from collections.abc import Iterable
from dataclasses import dataclass

from tandem.coaching.models import CoachProfile
from tandem.programs.models import EnrollmentTopic


@dataclass(frozen=True)
class CoachCard:
    """What a client reads about a coach: the profile, and the topics they coach on."""

    profile: CoachProfile
    specialities: list[str]

    @property
    def is_external(self) -> bool:
        return self.profile.kind == CoachProfile.Kind.EXTERNAL


def coach_cards(enrollment_ids: Iterable[int]) -> dict[int, CoachCard]:
    """Return the coach profile of each of these enrollments that has one, by enrollment id."""
    ids = list(enrollment_ids)
    if not ids:
        return {}
    profiles = CoachProfile.objects.filter(
        enrollment_id__in=ids, enrollment__is_coach=True
    ).select_related("enrollment")
    topics: dict[int, list[str]] = {}
    rows = (
        EnrollmentTopic.objects.filter(enrollment_id__in=ids, kind=EnrollmentTopic.Kind.EXPERTISE)
        .order_by("-level", "topic__name")
        .values_list("enrollment_id", "topic__name")
    )
    for enrollment_id, name in rows:
        topics.setdefault(enrollment_id, []).append(name)
    return {
        p.enrollment_id: CoachCard(profile=p, specialities=topics.get(p.enrollment_id, []))
        for p in profiles
    }
