"""Forget what rounds stored from identity attributes used before people could consent.

Everyone's identity attributes became private (programs 0003), so the reasons, score
parts and fairness rows computed from them earlier must not stay on admin pages and
proposals either.
"""

import re

from django.db import migrations

OLD_REASON = re.compile(r"^Has \d+ of the \d+ things you asked for in a mentor$")


def _keep(reasons: list[str]) -> list[str]:
    return [r for r in reasons if not (isinstance(r, str) and OLD_REASON.match(r))]


def forget(apps, schema_editor):
    MatchingRound = apps.get_model("matching", "MatchingRound")
    RoundPair = apps.get_model("matching", "RoundPair")
    Proposal = apps.get_model("relationships", "Proposal")
    for pair in RoundPair.objects.all().iterator():
        kept = _keep(pair.reasons or [])
        components = {k: v for k, v in (pair.components or {}).items() if k != "attributes"}
        if kept != pair.reasons or components != pair.components:
            pair.reasons, pair.components = kept, components
            pair.save(update_fields=["reasons", "components"])
    for proposal in Proposal.objects.all().iterator():
        kept = _keep(proposal.reasons or [])
        if kept != proposal.reasons:
            proposal.reasons = kept
            proposal.save(update_fields=["reasons"])
    for matching_round in MatchingRound.objects.all().iterator():
        report = matching_round.report
        if not isinstance(report, dict) or not report.get("fairness"):
            continue
        fairness = [row for row in report["fairness"] if row.get("dimension") != "group"]
        if fairness != report["fairness"]:
            report["fairness"] = fairness
            matching_round.report = report
            matching_round.save(update_fields=["report"])


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("programs", "0003_enrollment_identity_use"),
        ("relationships", "0002_proposals"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
