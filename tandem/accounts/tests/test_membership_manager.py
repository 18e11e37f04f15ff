import pytest

from tandem.accounts.models import Membership
from tandem.accounts.services import membership_create, membership_set_manager
from tandem.core.errors import DomainError
from tandem.testing.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def chain(db: None) -> list[Membership]:
    """Return head <- director <- manager <- analyst, each reporting to the previous."""
    org = OrganizationFactory.create()
    people: list[Membership] = []
    for i in range(4):
        people.append(
            membership_create(
                user=UserFactory.create(),
                organization=org,
                manager=people[-1] if people else None,
                title=f"Level {i}",
            )
        )
    return people


def test_reporting_line_is_recorded(chain: list[Membership]) -> None:
    head, director, manager, analyst = chain
    assert analyst.manager == manager
    assert list(head.reports.all()) == [director]


def test_a_manager_cannot_report_to_someone_below_them(chain: list[Membership]) -> None:
    head, analyst = chain[0], chain[-1]
    with pytest.raises(DomainError, match="loop"):
        membership_set_manager(membership=head, manager=analyst)
    head.refresh_from_db()
    assert head.manager is None


def test_nobody_is_their_own_manager(chain: list[Membership]) -> None:
    with pytest.raises(DomainError, match="own manager"):
        membership_set_manager(membership=chain[1], manager=chain[1])


def test_a_manager_must_be_in_the_same_organization(chain: list[Membership]) -> None:
    stranger = MembershipFactory.create()
    with pytest.raises(DomainError, match="same organization"):
        membership_set_manager(membership=chain[3], manager=stranger)


def test_moving_someone_to_a_new_manager_elsewhere_in_the_tree(chain: list[Membership]) -> None:
    director, analyst = chain[1], chain[-1]
    membership_set_manager(membership=analyst, manager=director)
    analyst.refresh_from_db()
    assert analyst.manager == director
