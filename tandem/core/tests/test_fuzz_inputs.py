"""Hostile input never gives a 500: every route, every persona, every field a page offers.

For each URL pattern and each persona (nobody signed in, a mentee, a mentor, a program
admin, site staff for the Django admin) the test opens the page, reads the forms it offers,
and sends them back with hostile values: into every field at once, into one field at a time
beside the values the page rendered, into the query string and into text path segments.
Every request runs in a savepoint that is rolled back, so each one meets the same scene.
The set is fixed: the same requests on every run.
"""

import copy
import datetime
import itertools
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tandem.accounts.models import Invitation, User
from tandem.interviews import services as interview_services
from tandem.interviews.models import InterviewOffer
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import EnrollmentTopic
from tandem.relationships import services
from tandem.relationships.calendar import calendar_feed_for
from tandem.relationships.models import Proposal
from tandem.testing.circles import circle_with
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World
from tandem.testing.hostile import HOSTILE, PageForm, page_forms

# Query parameters views read that no rendered form carries.
QUERY_PARAMS = {
    "home": ["next"],
    "account_login": ["next"],
    "programs:new": ["organization"],
    "relationships:directory": ["topic", "mode", "all", "tz"],
    "matching:round": ["sort"],
}
# Pages that read no query parameter, and posts to pages without a form, get a few.
HOSTILE_EVERYWHERE = ["²"]
ADMIN_HOSTILE = ["²", "99999999999999999999", "", "x" * 10_000, "9999-12-31"]
# Admin pages take the search box, sorting, paging and filters from the query string.
ADMIN_QUERY_PARAMS = ["q", "o", "p", "e", "_changelist_filters", "status", "id__exact"]
# Pages that answer a successful POST with 200, not a redirect: the check-in thanks the
# person on the spot, and a new SCIM or API token or webhook secret is shown once, in that
# answer only.
POST_200_IS_SUCCESS = {
    "relationships:checkin",
    "people:scim_tokens",
    "api:tokens",
    "api:service_tokens",
    "webhooks:endpoints",
    "webhooks:endpoint_secret",
}
TEXT_PATH_VALUES = ["ab\x00cd", "²", "x" * 10_000, "%00"]
BIG_IDS = ["99999999999999999999", "0"]
# Each field also gets this many hostile values one at a time, a fixed sample per field.
PER_FIELD = 4


@dataclass
class Route:
    name: str
    kwargs: list[str]
    text_kwargs: list[str]


def _routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns: list[Any], namespace: str, outer: dict[str, Any]) -> None:
        for pattern in patterns:
            converters = {**outer, **_converters(pattern.pattern)}
            if isinstance(pattern, URLResolver):
                inner = ":".join(p for p in (namespace, pattern.namespace or "") if p)
                walk(pattern.url_patterns, inner, converters)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                text = [k for k, c in converters.items() if c in ("str", "path", "regex")]
                routes.append(Route(name, list(converters), text))

    walk(get_resolver().url_patterns, "", {})
    return routes


def _converters(pattern: Any) -> dict[str, str]:
    if hasattr(pattern, "converters") and pattern.converters:
        return {
            k: type(c).__name__.removesuffix("Converter").lower()
            for k, c in pattern.converters.items()
        }
    return dict.fromkeys(pattern.regex.groupindex, "regex")


@dataclass
class Scene:
    world: World
    ids: dict[str, list[str]]
    personas: dict[str, User | None]


def _scene(world: World) -> Scene:
    """Build a program with something in every state, and the ids that reach it."""
    from tandem.relationships.tests.conftest import active, complete

    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    relationship = active(world)
    meeting = relationship.meetings.get()
    commitment = services.commitment_create(
        relationship=relationship,
        owner=world.mentee,
        text="Draft the opening",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    concern = services.concern_raise(
        relationship=relationship, reporter=world.mentee, body="We keep missing meetings."
    )
    entry = services.journal_entry_write(author=world.mentee, body="A good first meeting.")
    others = []
    for n in range(2):
        user = UserFactory.create(full_name=f"Newcomer {n}")
        membership = MembershipFactory.create(user=user, organization=world.org)
        others.append(
            complete(
                EnrollmentFactory.create(program=world.program, user=user, membership=membership),
                world,
                EnrollmentTopic.Kind.FOCUS,
            )
        )
    ask = services.request_send(
        mentee=others[0],
        mentor=world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        message="Hello, I am new and would value your help with presenting to the board.",
    )
    proposal = Proposal.objects.create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=others[1],
        focus=world.topic("Public speaking"),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    matching_round = MatchingRound.objects.create(
        program=world.program, created_by=world.admin, name="Spring", status="ready"
    )
    pair = RoundPair.objects.create(
        round=matching_round,
        mentee=others[1],
        mentor=world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        score=0.5,
    )
    invitation = Invitation.objects.create(
        organization=world.org, program=world.program, email="new.person@northwind.test"
    )
    staff = UserFactory.create(email="staff@tandem.test", is_staff=True, is_superuser=True)
    circle, place, circle_agreement = circle_with(world, world.mentee)
    mentee_uid = urlsafe_base64_encode(force_bytes(world.mentee.pk))
    InterviewOffer.objects.create(enrollment=world.mentor_enrollment, is_offering=True)
    interview = interview_services.interview_ask(
        asker=world.mentee_enrollment,
        host=world.mentor_enrollment,
        topic=world.topic("Public speaking"),
        minutes=30,
        message="Could we talk about presenting to the board for half an hour?",
    )
    soon = timezone.now() + datetime.timedelta(days=3)
    interview_services.interview_propose_times(
        interview=interview, by=world.mentor, times=[soon, soon + datetime.timedelta(days=1)]
    )
    ids = {
        "program_id": [str(world.program.pk)],
        "enrollment_id": [str(world.mentor_enrollment.pk), str(world.mentee_enrollment.pk)],
        "organization_id": [str(world.org.pk)],
        "topic_id": [str(world.topic("Public speaking").pk)],
        "step": ["goals", "offer", "practicalities"],
        "relationship_id": [str(relationship.pk)],
        "agreement_id": [str(relationship.agreements.get().pk), str(circle_agreement.pk)],
        "circle_id": [str(circle.pk)],
        # "1" is what the organization member pages were given before circles came.
        "membership_id": ["1", str(place.pk)],
        "meeting_id": [str(meeting.pk)],
        "commitment_id": [str(commitment.pk)],
        "concern_id": [str(concern.pk)],
        "entry_id": [str(entry.pk)],
        "request_id": [str(ask.pk)],
        "proposal_id": [str(proposal.pk)],
        "round_id": [str(matching_round.pk)],
        "interview_id": [str(interview.pk)],
        "pair": [str(pair.pk)],
        "token": [
            calendar_feed_for(user=world.mentee).token,
            invitation.token,
            "set-password",
        ],
        "uidb64": [mentee_uid],
        "app_label": ["relationships"],
        "object_id": [str(meeting.pk)],
        "content_type_id": ["1"],
        "url": ["nowhere"],
    }
    personas: dict[str, User | None] = {
        "anonymous": None,
        "mentee": world.mentee,
        "mentor": world.mentor,
        "program admin": world.admin,
    }
    # Site staff only matter for the Django admin; keep them out of the product pages.
    return Scene(world=world, ids=ids, personas={**personas, "staff": staff})


def _real_urls(route: Route, scene: Scene) -> Iterator[str]:
    """Yield the route with each combination of real ids."""
    choices = [scene.ids.get(k, ["1"]) for k in route.kwargs]
    for values in itertools.product(*choices):
        kwargs = dict(zip(route.kwargs, values, strict=True))
        try:
            yield reverse(route.name, kwargs=kwargs)
        except Exception:
            continue


def _hostile_urls(route: Route, scene: Scene) -> Iterator[str]:
    """Yield the route with a hostile value in one path segment at a time."""
    choices = [scene.ids.get(k, ["1"]) for k in route.kwargs]
    base = dict(zip(route.kwargs, (c[0] for c in choices), strict=True))
    for key in route.kwargs:
        bad_values = TEXT_PATH_VALUES if key in route.text_kwargs else BIG_IDS
        for bad in bad_values:
            marker = "zzfuzzmarkerzz"
            try:
                url = reverse(route.name, kwargs={**base, key: marker})
            except Exception:
                url = reverse(route.name, kwargs={**base, key: base[key]})
                if key in route.text_kwargs or not base[key].isdigit():
                    continue
                url = url.replace(f"/{base[key]}/", f"/{bad}/", 1)
            yield url.replace(marker, quote(bad, safe=""))


class Fuzzer:
    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.failures: list[str] = []
        self.requests = 0

    def send(
        self,
        client: Client,
        who: str,
        method: str,
        url: str,
        data: dict[str, str],
        *,
        expect_message: bool = False,
    ) -> Any:
        self.requests += 1
        return self._send(client, who, method, url, data, expect_message)

    def _send(
        self,
        client: Client,
        who: str,
        method: str,
        url: str,
        data: dict[str, str],
        expect_message: bool,
    ) -> Any:
        # Each request meets the same scene and the same session: a sign-out or a rotated
        # session key would otherwise carry over to the next one.
        cookies = copy.deepcopy(client.cookies)
        sid = transaction.savepoint()
        try:
            if method == "get":
                query = urlencode(data)
                response = client.get(f"{url}?{query}" if query else url)
            else:
                response = client.post(url, data)
        finally:
            transaction.savepoint_rollback(sid)
            client.cookies = cookies
        shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in data.items()}
        if response.status_code >= 500:
            self.failures.append(
                f"{response.status_code} {who} {method.upper()} {url[:120]} {shown}"
            )
        elif expect_message and response.status_code == 200 and self._silent(response):
            self.failures.append(f"no message: {who} POST {url[:120]} {shown}")
        elif response.status_code == 400 and not response.content.strip():
            self.failures.append(f"empty 400: {who} {method.upper()} {url[:120]} {shown}")
        return response

    def _silent(self, response: Any) -> bool:
        name = response.resolver_match.view_name if response.resolver_match else ""
        if name in POST_200_IS_SUCCESS:
            return False
        body = response.content.decode(errors="replace")
        return not any(m in body for m in ('class="error"', "form-errors", "message-error"))


def _fuzz_forms(
    fuzzer: Fuzzer, client: Client, who: str, forms: list[PageForm], seen: set[str]
) -> None:
    """Send each form back with hostile values: in all fields, then in one field at a time."""
    for form in forms:
        baseline = form.baseline()
        key = f"{form.method} {form.action} {sorted(form.fields)} {baseline.get('action')}"
        if key in seen or not form.action.startswith("/"):
            continue
        seen.add(key)
        post = form.method == "post"
        names = sorted(form.fields) or ["x"]
        for value in HOSTILE:
            fuzzer.send(
                client,
                who,
                form.method,
                form.action,
                dict.fromkeys(names, value),
                expect_message=post,
            )
        # Numbered families (one level per topic) share a field type: one of each will do.
        families = {re.sub(r"_\d+$", "", name): name for name in reversed(names)}
        for name in sorted(families.values()):
            for value in random.Random(f"{form.action} {name}").sample(HOSTILE, PER_FIELD):
                fuzzer.send(
                    client,
                    who,
                    form.method,
                    form.action,
                    {**baseline, name: value},
                    expect_message=post and value != baseline.get(name),
                )


def _fuzz_route(fuzzer: Fuzzer, client: Client, who: str, route: Route, seen: set[str]) -> None:
    admin = route.name.startswith("admin:")
    # A signed-in participant reaches every view's id lookups (admin pages use the same
    # helpers); nobody signed in reaches the pages behind a secret token.
    if who == "mentee" or (who == "anonymous" and route.text_kwargs):
        for url in _hostile_urls(route, fuzzer.scene):
            fuzzer.send(client, who, "get", url, {})
            fuzzer.send(client, who, "post", url, {"x": "1"})
    if admin and who != "staff":
        return
    named = ADMIN_QUERY_PARAMS if admin else QUERY_PARAMS.get(route.name, [])
    for url in _real_urls(route, fuzzer.scene):
        response = fuzzer.send(client, who, "get", url, {})
        if response.status_code != 200:
            continue
        values = ADMIN_HOSTILE if admin else HOSTILE if named else HOSTILE_EVERYWHERE
        for value in values:
            fuzzer.send(client, who, "get", url, dict.fromkeys([*named, "next"], value))
        if admin:
            continue
        forms = page_forms(response.content.decode(), url)
        _fuzz_forms(fuzzer, client, who, forms, seen)
        if not any(f.action == url and f.method == "post" for f in forms):
            for value in HOSTILE_EVERYWHERE:
                fuzzer.send(client, who, "post", url, {"x": value})


def test_no_hostile_input_gives_a_server_error(world: World) -> None:
    scene = _scene(world)
    fuzzer = Fuzzer(scene)
    routes = _routes()
    assert len(routes) > 40, "the walk should find every route"
    seen: set[str] = set()
    for who, user in scene.personas.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for route in routes:
            admin = route.name.startswith("admin:")
            # Staff try the admin's lists; everybody else the product, and the admin's door.
            if (who == "staff") != admin and who != "anonymous":
                continue
            if admin and not route.name.endswith(("_changelist", ":index", ":login")):
                continue
            _fuzz_route(fuzzer, client, who, route, seen)
    assert not fuzzer.failures, f"{len(fuzzer.failures)} of {fuzzer.requests} failed:\n" + (
        "\n".join(fuzzer.failures[:60])
    )
