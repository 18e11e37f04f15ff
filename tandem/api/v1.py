"""The public API, version 1: /api/v1/, its OpenAPI schema and its browsable docs."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from tandem.api.auth import TokenAuth
from tandem.api.endpoints import people, running, starting, together
from tandem.api.errors import install_error_handlers

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Read and write what you may see and do in Tandem's pages, with a personal access "
        "token (Security, then API tokens) or an organization's service token. Send it as "
        "`Authorization: Bearer <token>`. See docs/api.md."
    ),
    urls_namespace="api_v1",
    auth=TokenAuth(),
    # The bundled Swagger UI (ninja's static files): scripts and styles from this site only.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", people.router)
api.add_router("", starting.router)
api.add_router("", together.router)
api.add_router("", running.router)
