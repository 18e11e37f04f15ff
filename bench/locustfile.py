"""The people ``bench.load`` sends at Tandem: each signs in with a session prepared for them
and walks their own pages, one after another, as fast as the server answers.

Run by ``python -m bench.load``, which writes the plan this file reads (``LOAD_PLAN``).
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, constant, task
from locust.exception import StopUser

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)

_walkers = itertools.cycle(PLAN["walkers"])
# Each person keeps to one server, as a load balancer with sticky sessions would send them.
_hosts = itertools.cycle(os.environ["LOAD_HOSTS"].split())


class Person(HttpUser):
    """One signed-in person: a mentee, a mentor, a program admin or an organization admin."""

    # A person reads a page before opening the next: about THINK seconds, half to half again.
    wait_time = between(PLAN["think"] / 2, PLAN["think"] * 1.5) if PLAN["think"] else constant(0)

    def on_start(self) -> None:
        walker = next(_walkers)
        self.client.base_url = next(_hosts)
        self.pages = walker["pages"]
        self.client.cookies.set(PLAN["cookie_name"], walker["session"])
        self.order = random.Random(walker["session"]).sample(self.pages, len(self.pages))
        self.step = 0

    @task
    def walk(self) -> None:
        page = self.order[self.step % len(self.order)]
        self.step += 1
        with self.client.get(
            page["url"], name=page["name"], allow_redirects=False, catch_response=True
        ) as response:
            if PLAN["sign_in_path"] in response.headers.get("Location", ""):
                response.failure("signed out")
                raise StopUser()
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
