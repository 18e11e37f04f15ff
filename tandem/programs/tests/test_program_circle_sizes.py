"""A program's circle sizes: within the bounds, and the smallest no larger than the largest."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.programs.models import Program
from tandem.testing.fixtures import World


def test_circles_default_to_four_to_six_people_one_circle_each(world: World) -> None:
    program = world.program
    assert (program.circle_min_size, program.circle_max_size, program.circles_per_member) == (
        4,
        6,
        1,
    )


@pytest.mark.parametrize(
    ("smallest", "largest", "field"),
    [(7, 5, "circle_max_size"), (2, 6, "circle_min_size"), (4, 11, "circle_max_size")],
)
def test_bad_circle_sizes_are_refused_by_field(
    world: World, smallest: int, largest: int, field: str
) -> None:
    program = world.program
    program.circle_min_size, program.circle_max_size = smallest, largest
    with pytest.raises(ValidationError) as refused:
        program.full_clean()
    assert field in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()
    program.refresh_from_db()
    assert (program.circle_min_size, program.circle_max_size) == (4, 6)


def test_equal_bounds_make_circles_of_one_size(world: World) -> None:
    Program.objects.filter(pk=world.program.pk).update(circle_min_size=5, circle_max_size=5)
    program = Program.objects.get(pk=world.program.pk)
    program.full_clean()
    assert program.circle_min_size == program.circle_max_size == 5
