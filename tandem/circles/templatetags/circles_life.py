"""A member's circles, shown on their program's page when the program runs circles."""

from typing import Any

from django import template

from tandem.circles import selectors
from tandem.programs.models import Enrollment

register = template.Library()


@register.inclusion_tag("circles/_program.html", takes_context=True)
def member_circles(context: template.Context, enrollment: Enrollment) -> dict[str, Any]:
    """Render the member's circles in the program and those they may ask to join."""
    return {
        "program": enrollment.program,
        "csrf_token": context.get("csrf_token"),
        **selectors.member_circles(enrollment=enrollment, user=context["user"]),
    }
