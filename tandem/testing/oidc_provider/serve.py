"""Run the test identity provider: `python -m tandem.testing.oidc_provider.serve PORT`.

OIDC_PROVIDER_STATE names a folder holding `signing-key.pem` and `seed.json`; the
provider keeps its database there too.
"""

import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.testing.oidc_provider.settings")


def _seed(seed: dict[str, Any]) -> None:
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application  # type: ignore[import-untyped]

    from tandem.testing.oidc_provider.validators import UNVERIFIED_GROUP

    unverified, _ = Group.objects.get_or_create(name=UNVERIFIED_GROUP)
    for person in seed.get("people", []):
        user = User.objects.create_user(
            username=person["username"],
            password=person["password"],
            email=person["email"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        if not person.get("email_verified", True):
            user.groups.add(unverified)
    for client in seed.get("clients", []):
        Application.objects.create(
            name=client.get("name", client["client_id"]),
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=client.get("skip_authorization", False),
        )


def main(port: int) -> None:
    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    _seed(json.loads((Path(os.environ["OIDC_PROVIDER_STATE"]) / "seed.json").read_text()))
    run("127.0.0.1", port, get_wsgi_application(), ipv6=False, threading=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
