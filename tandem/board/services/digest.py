"""Tell mentors of new questions in the topics they offer: one board digest a day, at most."""

import datetime
from collections import defaultdict

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.board.models import Question
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.programs.models import Enrollment, EnrollmentTopic, Program

DIGEST_KIND = "board_digest"
# Questions older than this are not news.
DIGEST_LOOKBACK = datetime.timedelta(days=7)
LISTED = 8


def _offered(questions: list[Question]) -> dict[int, set[tuple[int | None, int, int]]]:
    """Return, per person, the (program, organization, topic) triples they offer as expertise."""
    topic_ids = {t.pk for q in questions for t in q.topics.all()}
    rows = EnrollmentTopic.objects.filter(
        kind=EnrollmentTopic.Kind.EXPERTISE,
        topic_id__in=topic_ids,
        enrollment__status=Enrollment.Status.ACTIVE,
        enrollment__program__status=Program.Status.ACTIVE,
        enrollment__program__organization_id__in={q.organization_id for q in questions},
    ).values_list(
        "enrollment__user_id",
        "enrollment__program_id",
        "enrollment__program__organization_id",
        "topic_id",
    )
    offered: dict[int, set[tuple[int | None, int, int]]] = defaultdict(set)
    for user_id, program_id, organization_id, topic_id in rows:
        offered[user_id].add((program_id, organization_id, topic_id))
    return offered


def _concerns(question: Question, offers: set[tuple[int | None, int, int]]) -> bool:
    topics = {t.pk for t in question.topics.all()}
    for program_id, organization_id, topic_id in offers:
        if topic_id not in topics:
            continue
        # An organization board's question is for mentors of any of its programs.
        if question.program_id == program_id or (
            question.program_id is None and question.organization_id == organization_id
        ):
            return True
    return False


def board_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Send each mentor one notification listing new questions in their topics; return how many.

    A person hears from the board at most once a day (the key holds the date), and only of
    questions asked since their last board digest. Running it twice sends nothing new.
    """
    now = now or timezone.now()
    questions = list(
        Question.objects.filter(created_at__gt=now - DIGEST_LOOKBACK, created_at__lte=now)
        .exclude(state=Question.State.HIDDEN)
        .select_related("program")
        .prefetch_related("topics")
        .order_by("created_at")
    )
    if not questions:
        return 0
    offered = _offered(questions)
    last = dict(
        Notification.objects.filter(user_id__in=offered, kind=DIGEST_KIND)
        .values("user_id")
        .annotate(at=Max("created_at"))
        .values_list("user_id", "at")
    )
    today = timezone.localdate(now)
    users = User.objects.in_bulk(list(offered))
    sent = 0
    for user_id, offers in offered.items():
        since = last.get(user_id)
        if since is not None and timezone.localdate(since) == today:
            continue
        news = [
            q
            for q in questions
            if q.author_id != user_id
            and (since is None or q.created_at > since)
            and _concerns(q, offers)
        ]
        user = users.get(user_id)
        if not news or user is None or not user.is_active:
            continue
        if _notify(user, news, today):
            sent += 1
    return sent


def _notify(user: User, news: list[Question], today: datetime.date) -> bool:
    lines = [f"• {q.title}" for q in news[:LISTED]]
    if len(news) > LISTED:
        lines.append(f"… and {len(news) - LISTED} more.")
    programs = {q.program_id for q in news}
    first = news[0]
    if len(programs) == 1 and first.program_id is not None:
        url = reverse("board:program", args=[first.program_id])
    elif len(programs) == 1:
        url = reverse("board:organization", args=[first.organization_id])
    else:
        url = reverse("board:mine")
    count = len(news)
    title = (
        "A new question on the board in your topics"
        if count == 1
        else f"{count} new questions on the board in your topics"
    )
    return (
        notify(
            user=user,
            kind=DIGEST_KIND,
            title=title,
            body="\n".join(lines) + "\n\nAnswer one if you can; every answer helps.",
            url=url,
            dedupe_key=f"board-digest-{user.pk}-{today.isoformat()}",
        )
        is not None
    )
