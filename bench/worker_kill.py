"""Kill the task worker mid-queue and count what people received.

Run from the repository root:

    .venv/bin/python -m bench.worker_kill                       # SQLite, 360 notes, 36 kills
    .venv/bin/python -m bench.worker_kill --database postgres   # a throwaway PostgreSQL db
    .venv/bin/python -m bench.worker_kill --notes 600 --kills 60 --seed 3

On a fresh database it records notifications through `notify()` (most people get one
e-mail per update, some take the daily digest), so their e-mail tasks are queued as in
production (`TASK_BACKEND=database`). It then starts `manage.py db_worker`, waits until it
has finished a first task, `kill -9`s it after a random moment, runs `manage.py
run_schedule --once` (the scheduler: it enqueues the digest and, where it exists,
recovers tasks of dead workers), and starts again, `--kills` times. A last worker drains
the queue with `--batch`.

E-mail goes to a bench backend that stands in for SMTP: it waits `--smtp-ms` (most of it
before the server accepts the message, a little after, like QUIT), and the moment a
message counts as accepted it is one file in the outbox. Each notification's title is a
token, found in a single e-mail's subject or a digest's body, so the table says for every
notification whether it reached its person, and how many times:

- `delivered`: notifications found in at least one e-mail;
- `lost`: in none;
- `sent twice`: extra copies the mail server accepted;
- `seen twice`: extra copies that a mailbox shows, as mailboxes drop a second message with
  a Message-ID they already hold;
- `stuck RUNNING`: task rows a dead worker left as running when the bench ends.

Measured (2 CPUs, default options, seed 0; "before" is the code before task recovery and
e-mail claims by task run):

| database | code | expected | delivered | lost | sent twice | seen twice | stuck RUNNING |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
| SQLite | before | 360 | 337 | 23 | 0 | 0 | 31 |
| SQLite | after | 360 | 360 | 0 | 8 | 0 | 0 |
| PostgreSQL | before | 360 | 337 | 23 | 0 | 0 | 31 |
| PostgreSQL | after | 360 | 360 | 0 | 7 | 0 | 0 |

"Sent twice" after the change are kills that landed between the server taking a message
and `emailed_at` being written (here the 4 ms the stand-in spends on QUIT): the re-run
sends the same message again, with the same Message-ID.
"""

from __future__ import annotations

import argparse
import email
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TOKEN = re.compile(r"\[n(\d{4})\]")
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"
PG_ADMIN_DSN = PG_ADMIN_URL.replace("postgres://", "postgresql://")


class SlowOutboxBackend(BaseEmailBackend):
    """Stand in for SMTP: wait, accept each message as one file, wait a little more."""

    def send_messages(self, email_messages: Any) -> int:
        from django.conf import settings

        outbox = Path(settings.EMAIL_FILE_PATH)
        delay = float(os.environ["BENCH_SMTP_MS"]) / 1000
        for message in email_messages:
            time.sleep(delay * 0.8)  # connect, MAIL FROM, RCPT TO, DATA
            data = message.message().as_bytes()
            fd = os.open(outbox / f"{uuid.uuid4().hex}.eml", os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)  # the server has the message now
            finally:
                os.close(fd)
            time.sleep(delay * 0.2)  # QUIT
        return len(email_messages)


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()


def _manage(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, text=True, check=True, **kwargs
    )


def setup_data(env: dict[str, str], notes: int, digest_share: float, seed: int) -> None:
    """Record the notifications (in this process: the bench's child)."""
    _django(env)
    from django.db import transaction

    from tandem.accounts.models import User
    from tandem.notifications.services import notify

    rng = random.Random(seed)
    people = [
        User.objects.create_user(
            email=f"person{i}@bench.example",
            password=None,
            full_name=f"Person {i}",
            email_digest=rng.random() < digest_share,
        )
        for i in range(max(1, notes // 6))
    ]
    for i in range(notes):
        with transaction.atomic():
            notify(
                user=people[i % len(people)],
                kind="bench",
                title=f"Bench update [n{i:04d}]",
                url="/notifications/",
            )


def run_worker(env: dict[str, str]) -> None:
    """Run db_worker with the bench's mail backend (in this process: the bench's child)."""
    _django(env)
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "bench.worker_kill.SlowOutboxBackend"
    settings.EMAIL_FILE_PATH = env["BENCH_OUTBOX"]
    args = ["--interval", "0.05", "--no-startup-delay", "--no-reload", "-v", "1"]
    if env.get("BENCH_BATCH"):
        args.append("--batch")
    call_command("db_worker", *args)


def _start_worker(env: dict[str, str], batch: bool = False) -> subprocess.Popen[str]:
    child_env = {**env, "PYTHONUNBUFFERED": "1", "BENCH_BATCH": "1" if batch else ""}
    return subprocess.Popen(
        [PYTHON, "-m", "bench.worker_kill", "--child", "worker"],
        cwd=ROOT,
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_until_working(worker: subprocess.Popen[str], timeout: float = 120.0) -> None:
    """Return once the worker has finished its first task (or after timeout).

    A fresh worker's first task is slow (imports, templates), so killing it at a moment
    counted from start-up would nearly always kill that first task, the same one each
    time; real deaths (out of memory, deploys, lost machines) strike a warm worker.
    """
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if not line:
            raise RuntimeError("the worker exited before it ran a task")
        if "state=SUCCESSFUL" in line or "state=FAILED" in line:
            return
    print("warning: the worker finished no task within", timeout, "s", file=sys.stderr)


def _schedule_once(env: dict[str, str], recovers: bool) -> None:
    # The worker is dead at this point, so its tasks may be recovered at once; in
    # production the scheduler waits TASK_RECOVER_AFTER_MINUTES first.
    extra = ["--recover-after", "0"] if recovers else []
    _manage(env, "run_schedule", "--once", *extra, stdout=subprocess.DEVNULL)


def count(env: dict[str, str], outbox: Path, notes: int) -> dict[str, int]:
    _django(env)
    from django_tasks_db.models import DBTaskResult

    copies: Counter[int] = Counter()
    shown: Counter[int] = Counter()
    seen_ids: set[str] = set()
    for path in outbox.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        payload = message.get_payload(decode=True)
        text = str(message["Subject"]) + "\n" + (payload or b"").decode()
        tokens = {int(t) for t in TOKEN.findall(text)}
        message_id = str(message["Message-ID"])
        copies.update(tokens)
        if message_id not in seen_ids:
            seen_ids.add(message_id)
            shown.update(tokens)
    delivered = sum(1 for i in range(notes) if copies[i])
    return {
        "expected": notes,
        "delivered": delivered,
        "lost": notes - delivered,
        "sent twice": sum(max(0, c - 1) for c in copies.values()),
        "seen twice": sum(max(0, c - 1) for c in shown.values()),
        "stuck RUNNING": DBTaskResult.objects.running().count(),
        "failed": DBTaskResult.objects.failed().count(),
    }


def failures(env: dict[str, str]) -> list[str]:
    _django(env)
    from django_tasks_db.models import DBTaskResult

    return [
        f"{row.task_path}: {row.traceback.strip().splitlines()[-1]}"
        for row in DBTaskResult.objects.failed()
    ]


def _database(kind: str, tmp: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    name = f"bench_worker_kill_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, name


def _drop(name: str | None) -> None:
    if name is None:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", choices=["setup", "worker"], help=argparse.SUPPRESS)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--notes", type=int, default=360)
    parser.add_argument("--kills", type=int, default=36)
    parser.add_argument("--smtp-ms", type=float, default=20.0)
    parser.add_argument("--max-wait", type=float, default=0.25, help="Longest run before a kill.")
    parser.add_argument("--digest-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.child == "setup":
        setup_data(env, args.notes, args.digest_share, args.seed)
        return
    if args.child == "worker":
        run_worker(env)
        return

    tmp = Path(tempfile.mkdtemp(prefix="worker-kill-"))
    database_url, pg_name = _database(args.database, tmp)
    outbox = tmp / "outbox"
    outbox.mkdir()
    env.update(
        DATABASE_URL=database_url,
        TASK_BACKEND="database",
        TANDEM_VAR_DIR=str(tmp),
        BENCH_OUTBOX=str(outbox),
        BENCH_SMTP_MS=str(args.smtp_ms),
        LOG_LEVEL="WARNING",
    )
    try:
        _manage(env, "migrate", "--no-input", "-v0")
        subprocess.run(
            [
                PYTHON,
                "-m",
                "bench.worker_kill",
                "--child",
                "setup",
                "--notes",
                str(args.notes),
                "--digest-share",
                str(args.digest_share),
                "--seed",
                str(args.seed),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        help_text = _manage(env, "run_schedule", "--help", capture_output=True).stdout
        recovers = "--recover-after" in help_text
        rng = random.Random(args.seed)
        started = time.monotonic()
        for _ in range(args.kills):
            worker = _start_worker(env)
            _wait_until_working(worker)
            time.sleep(rng.uniform(0, args.max_wait))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            _schedule_once(env, recovers)
        last = _start_worker(env, batch=True)
        last.communicate()
        _schedule_once(env, recovers)  # the digest for what arrived during the last run
        last = _start_worker(env, batch=True)
        last.communicate()
        figures = count(env, outbox, args.notes)
        print(
            f"{args.database}, {args.notes} notifications, {args.kills} kills, "
            f"SMTP {args.smtp_ms:g} ms, seed {args.seed}, recovery "
            f"{'on' if recovers else 'absent'}, {time.monotonic() - started:.0f} s"
        )
        print(" | ".join(figures))
        print(" | ".join(str(v).rjust(len(k)) for k, v in figures.items()))
        for line in failures(env):
            print("failed:", line)
    finally:
        _drop(pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
