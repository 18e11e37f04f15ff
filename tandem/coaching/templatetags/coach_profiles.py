"""A coach's profile, shown on their page in a coaching program."""

from typing import Any

from django import template

from tandem.coaching.selectors.profiles import coach_cards
from tandem.programs.models import Enrollment

register = template.Library()


@register.inclusion_tag("coaching/_coach_profile.html")
def coach_profile(enrollment: Enrollment) -> dict[str, Any]:
    """Render what a client reads about a coach: credentials, specialities, rate, hours."""
    card = coach_cards([enrollment.pk]).get(enrollment.pk) if enrollment.is_coach else None
    return {"card": card, "enrollment": enrollment}
