"""A busy question board in the demo: questions, answers from several mentors, helpful
marks, one anonymous question, one locked and one reported."""

import datetime
import random

from django.utils import timezone

from tandem.accounts.models import User
from tandem.board import services
from tandem.board.models import Answer, HelpfulMark, Question
from tandem.programs.models import Enrollment, Program, Topic

# Title, question, topics (from the default vocabulary), and the answers it gets.
QUESTIONS = [
    (
        "How did you prepare for your first presentation to the council?",
        "I present our route changes to the council next month. I know the material, but I "
        "freeze when questions come. What did you do before your first time?",
        ["Public speaking", "Working with elected officials"],
        [
            "Rehearse out loud twice, once with a timer and once with a colleague who "
            "interrupts you. The questions feel far less scary after that.",
            "Write down the three questions you fear most and prepare one sentence for each. "
            "You will rarely need them, but knowing they are there calms you.",
            "Ask the clerk for the agenda order and watch one session before yours. Knowing "
            "the room takes half the fear away.",
        ],
    ),
    (
        "Is it all right to ask my manager for a stretch assignment after six months?",
        "I like my work but I would like to try something bigger. Is six months too early to "
        "ask, and how would you put it?",
        ["Managing up", "Career planning"],
        [
            "Ask early. Managers like to know what you want; frame it as what you would learn "
            "and how it helps the team.",
            "Six months is fine. Bring one concrete idea rather than a general wish: it is "
            "much easier to say yes to.",
            "Mention it in a one-to-one, not in passing, and offer to keep your current work "
            "covered.",
        ],
    ),
    (
        "How do you keep a budget spreadsheet others can follow?",
        "Our division budget lives in one huge workbook. People keep breaking the formulas. "
        "How do you structure yours so that colleagues can update it safely?",
        ["Budgeting and finance", "Data analysis"],
        [
            "Keep inputs, calculations and outputs on separate sheets, lock the formulas, and "
            "add a short 'how to update' note on the first tab.",
            "One row per line item, no merged cells, and a check total at the top that turns "
            "red when something does not add up.",
            "Version it: save a dated copy before each monthly update. It has saved me twice.",
        ],
    ),
    (
        "What do you wish you had known in your first year in the public sector?",
        "I came from a private company and some things still surprise me: the pace, the "
        "approvals, the public meetings. What helped you settle in?",
        ["First year in the organization", "Navigating the organization"],
        [
            "It took me a year to stop apologising for the pace. Find the one person who knows "
            "how approvals really work and buy them coffee.",
            "Read the last two annual reports. Half of what seems odd is explained there.",
            "The public meetings are where you learn what residents care about. Go to a few "
            "even when you are not presenting.",
        ],
    ),
    (
        "How do I say no to extra work without sounding unhelpful?",
        "Colleagues from other teams ask me for help more and more. I want to be a good "
        "colleague but my own work slips. How do you decline kindly?",
        ["Time management", "Giving and receiving feedback"],
        [
            "Say what you can do instead: 'I cannot take this on this week, but I can review "
            "it on Friday.' People remember the offer, not the no.",
            "Tell your manager what you are being asked. Sometimes the answer is that it "
            "should come through them.",
            "Keep a short list of what you said yes to this month. It makes the next no easier.",
        ],
    ),
    (
        "Which certifications actually helped your career in operations?",
        "There are many courses on offer. Which ones made a difference for you, and which "
        "would you skip?",
        ["Career planning", "Project management"],
        [],
    ),
    (
        "How do you run a meeting with people more senior than you?",
        "I am asked to lead the project stand-up, and half the room outranks me. How do you "
        "keep it on track without stepping on toes?",
        ["Leadership", "Influencing without authority"],
        [],
    ),
]


def _ready(program: Program, **roles: bool) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(
            program=program, status="active", profile_completed_at__isnull=False, **roles
        )
        .select_related("user")
        .order_by("pk")
    )


def _topics_of(enrollment: Enrollment, kind: str) -> list[Topic]:
    return [t.topic for t in enrollment.topics.select_related("topic") if t.kind == kind][:2]


def create_board(*, seed: int, program: Program, personas: dict[str, User]) -> int:
    """Fill one program's board with a living set of questions; return how many."""
    rng = random.Random(seed * 104729)
    mentors = [m for m in _ready(program, is_mentor=True) if m.user_id != personas["mentee"].pk]
    mentees = [m for m in _ready(program, is_mentee=True) if m.user_id != personas["mentor"].pk]
    linh = next(m for m in mentees if m.user_id == personas["mentee"].pk)
    askers = [linh, *[m for m in mentees if m is not linh][: len(QUESTIONS) - 1]]
    rosa = next(m for m in mentors if m.user_id == personas["mentor"].pk)
    others = [m for m in mentors if m is not rosa]
    now = timezone.now()
    vocabulary = {t.name: t for t in Topic.objects.filter(organization=program.organization)}
    for n, (asker, (title, body, names, answers)) in enumerate(
        zip(askers, QUESTIONS, strict=False)
    ):
        topics = [vocabulary[name] for name in names if name in vocabulary]
        if not answers:
            # The newest questions also name a topic a mentor here offers, so that the
            # mentors' daily digest has news in the demo.
            offered = _topics_of(rng.choice(others), "expertise")[:1]
            topics = [*topics[:1], *[t for t in offered if t not in topics]]
        question = services.question_ask(
            author=asker.user,
            organization=program.organization,
            program=program,
            title=title,
            body=body,
            topics=topics or _topics_of(asker, "focus"),
            # Linh asks her question anonymously: the demo shows both sides of it.
            is_anonymous=asker is linh,
        )
        # Rosa answers every other question; the asker finds the last answer helpful.
        answerers = ([rosa] if n % 2 == 0 else []) + rng.sample(others, k=min(3, len(others)))
        for k, (mentor, text) in enumerate(zip(answerers, answers, strict=False)):
            answer = services.answer_post(question=question, author=mentor.user, body=text)
            if k == len(answers) - 1:
                services.answer_mark_helpful(answer=answer, by=asker.user)
        days = (len(QUESTIONS) - n) * 3 + rng.randint(0, 2) if answers else len(QUESTIONS) - n
        _backdate(question, days=days, now=now)
    _moderate(program, personas, rosa)
    # Mentors who offer the newest questions' topics find this week's board digest.
    services.board_digests_send()
    return len(askers)


def _backdate(question: Question, *, days: int, now: datetime.datetime) -> None:
    then = now - datetime.timedelta(days=days)
    Question.objects.filter(pk=question.pk).update(created_at=then, last_activity_at=then)
    answers = Answer.objects.filter(question=question)
    for n, answer in enumerate(answers.order_by("pk")):
        at = then + datetime.timedelta(hours=5 * (n + 1))
        answers.filter(pk=answer.pk).update(created_at=at)
        HelpfulMark.objects.filter(answer=answer).update(
            created_at=at + datetime.timedelta(hours=2)
        )
        Question.objects.filter(pk=question.pk).update(last_activity_at=at)


def _moderate(program: Program, personas: dict[str, User], rosa: Enrollment) -> None:
    admin = personas["admin"]
    questions = Question.objects.filter(program=program, is_anonymous=False).order_by("created_at")
    oldest = questions.first()
    if oldest is not None:
        services.question_moderate(
            question=oldest,
            by=admin,
            action="lock",
            reason="This one has plenty of good answers; thank you all. Ask again if it comes up.",
        )
    answered = questions.filter(answers__isnull=False).distinct()
    target = answered.exclude(pk=oldest.pk).first() if oldest else answered.first()
    if target is not None:
        answer = target.answers.exclude(author=rosa.user).first()
        if answer is not None:
            services.report_file(
                question=target,
                answer=answer,
                reporter=rosa.user,
                reason="off_topic",
                note="This reads like an advert for a course.",
            )
