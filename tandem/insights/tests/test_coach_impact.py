"""A coaching program's impact page counts its coaches, as the program's figures do."""

from django.urls import reverse

from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for

from .builders import meeting


def test_a_coaching_programs_impact_counts_its_coaches(practice: Practice) -> None:
    practice.start()
    meeting(practice.relationship, days_ago=3, minutes=90)
    meeting(practice.relationship, days_ago=1, minutes=60)

    response = client_for(practice.admin).get(
        reverse("insights:impact", args=[practice.program.pk])
    )

    assert response.status_code == 200
    impact = response.context["impact"]
    assert impact.mentors == 1
    assert impact.total.people_helped == 1
    assert impact.total.meetings_held == 2
    assert impact.total.hours_given == 2.5
    assert [(r.name, r.hours_given) for r in impact.top_by_hours] == [("Cora Coach", 2.5)]
    page = response.content.decode()
    assert "Coach impact" in page and "1 coach gave" in page
    assert "Mentor impact" not in page and "0 mentors" not in page
    assert '<th scope="col">Coach</th>' in page


def test_a_coaching_programs_manage_page_names_its_coaches_impact(practice: Practice) -> None:
    page = client_for(practice.admin).get(reverse("programs:manage", args=[practice.program.pk]))
    assert page.status_code == 200
    assert "Coach impact" in page.content.decode()
