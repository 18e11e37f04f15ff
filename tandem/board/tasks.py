"""Background work of the board; safe to run twice."""

from django_tasks import task

from tandem.board.services import board_digests_send


@task()
def send_board_digests() -> int:
    """Tell mentors of new questions in their topics, once a day at most; return how many."""
    return board_digests_send()
