"""Who may ask whom for an informational interview: the pairing rules that hold for talking.

An interview is one conversation, not a pair: it takes no place and asks nothing of roles
or capacity. What holds is what keeps two people apart anywhere in Tandem: the program's
audience and readiness (``_ready``), the reporting line at any depth, "do not match" and
an earlier "not a fit" (``_apart`` and the directory's Q forms), read by the same code.
The host must offer interviews in the program. Their monthly limit is the interviews
app's: a request beyond it is still allowed, and declined for them kindly.
"""

from django.db.models import Q, QuerySet

from tandem.interviews.models import InterviewOffer
from tandem.policy.eligibility.lines import reporting_line_sql
from tandem.policy.eligibility.pairs import _apart
from tandem.policy.eligibility.rules import (
    Refusal,
    _do_not_match_with,
    _name,
    _not_a_fit_with,
    _ready,
    _two_in_program,
)
from tandem.programs.models import Enrollment, Program

# The pair rules asked of an interview, in order.
_APART_RULES = ("reporting_line", "not_a_fit", "do_not_match")


def _offering(program: Program) -> Q:
    return Q(
        pk__in=InterviewOffer.objects.filter(is_offering=True, enrollment__program=program).values(
            "enrollment"
        )
    )


def _apart_message(code: str, asker: Enrollment, host: Enrollment) -> str:
    if code == "reporting_line":
        return (
            f"{_name(host)} is in your reporting line, and informational interviews are with "
            "people outside it."
        )
    # The same words for both: how an earlier relationship ended stays with its people.
    return f"{_name(asker)} and {_name(host)} are not to be matched with each other."


def interview_refusal(*, asker: Enrollment, host: Enrollment) -> Refusal | None:
    """Return why this person may not ask this host for an interview now, or None."""
    program = asker.program
    refusal, host_ready = _two_in_program(asker, host, alone="Nobody can interview themselves.")
    if refusal is not None:
        return refusal
    if not host_ready or not Enrollment.objects.filter(_offering(program), pk=host.pk).exists():
        return Refusal(
            "not_offering", f"{_name(host)} is not offering informational interviews here."
        )
    apart = _apart(program, [(asker, host, None)], None)
    for code in _APART_RULES:
        if not apart.passes(code, asker, host):
            return Refusal(code, _apart_message(code, asker, host))
    return None


def interview_check(*, asker: Enrollment, host: Enrollment, field: str | None = None) -> None:
    """Raise DomainError with the reason when this person may not ask this host now."""
    refusal = interview_refusal(asker=asker, host=host)
    if refusal is not None:
        refusal.raise_error(field=field)


def interview_hosts_for(asker: Enrollment) -> QuerySet[Enrollment]:
    """Return the people this person may ask for an interview: the same rules, as filters."""
    program = asker.program
    if program.status != Program.Status.ACTIVE:
        return Enrollment.objects.none()
    return Enrollment.objects.filter(
        _ready(program),
        _offering(program),
        ~Q(user_id=asker.user_id),
        ~Q(user_id__in=reporting_line_sql(asker.user_id)),
        ~_not_a_fit_with(asker),
        ~_do_not_match_with(asker),
    )
