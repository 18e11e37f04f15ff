"""The SCIM schema URIs and the discovery documents (RFC 7643 §5 to 7, RFC 7644 §4)."""

from typing import Any

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

MAX_RESULTS = 200
DEFAULT_COUNT = 100


def _attribute(
    name: str,
    description: str,
    *,
    type: str = "string",
    multi: bool = False,
    required: bool = False,
    mutability: str = "readWrite",
    returned: str = "default",
    uniqueness: str = "none",
    case_exact: bool = False,
    sub: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": type,
        "multiValued": multi,
        "description": description,
        "required": required,
        "mutability": mutability,
        "returned": returned,
    }
    if type in ("string", "reference"):
        attribute["caseExact"] = case_exact
        attribute["uniqueness"] = uniqueness
    if type == "reference":
        attribute["referenceTypes"] = ["User"]
    if sub is not None:
        attribute["subAttributes"] = sub
    return attribute


USER_ATTRIBUTES = [
    _attribute(
        "userName",
        "The person's e-mail address, at one of the organization's e-mail domains.",
        required=True,
        uniqueness="server",
    ),
    _attribute(
        "name",
        "The person's name; Tandem keeps it whole, as formatted.",
        type="complex",
        sub=[
            _attribute("formatted", "The full name, as shown in Tandem."),
            _attribute("givenName", "Used to build the full name when formatted is absent."),
            _attribute("familyName", "Used to build the full name when formatted is absent."),
        ],
    ),
    _attribute("displayName", "The full name, as shown in Tandem."),
    _attribute("title", "The person's job title."),
    _attribute("timezone", "An IANA time zone, such as Europe/Berlin.", case_exact=True),
    _attribute(
        "active",
        "False makes the person alumni of the organization; true brings them back.",
        type="boolean",
    ),
    _attribute(
        "emails",
        "The one work address, the same as userName.",
        type="complex",
        multi=True,
        sub=[
            _attribute("value", "The e-mail address."),
            _attribute("type", "Always work.", mutability="readOnly"),
            _attribute("primary", "Always true.", type="boolean", mutability="readOnly"),
        ],
    ),
]

ENTERPRISE_ATTRIBUTES = [
    _attribute(
        "department",
        "The department's name; the same as the Group the person is in. A new name makes "
        "a new department.",
    ),
    _attribute(
        "manager",
        "Whom the person reports to. A manager that would close a loop is refused.",
        type="complex",
        sub=[
            _attribute("value", "The manager's SCIM id.", case_exact=True),
            _attribute("$ref", "The manager's URI.", type="reference", mutability="readOnly"),
            _attribute("displayName", "The manager's name.", mutability="readOnly"),
        ],
    ),
]

GROUP_ATTRIBUTES = [
    _attribute("displayName", "The department's name.", required=True, uniqueness="server"),
    _attribute(
        "members",
        "The people in the department. A person is in at most one department: adding "
        "them here takes them out of the one they were in.",
        type="complex",
        multi=True,
        sub=[
            _attribute("value", "The member's SCIM id.", mutability="immutable", case_exact=True),
            _attribute("$ref", "The member's URI.", type="reference", mutability="immutable"),
            _attribute("display", "The member's name.", mutability="readOnly"),
            _attribute("type", "Always User.", mutability="immutable"),
        ],
    ),
]

SCHEMA_DOCUMENTS: dict[str, dict[str, Any]] = {
    USER: {
        "id": USER,
        "name": "User",
        "description": "A member of the organization.",
        "attributes": USER_ATTRIBUTES,
    },
    ENTERPRISE_USER: {
        "id": ENTERPRISE_USER,
        "name": "EnterpriseUser",
        "description": "Department and reporting line.",
        "attributes": ENTERPRISE_ATTRIBUTES,
    },
    GROUP: {
        "id": GROUP,
        "name": "Group",
        "description": "A department of the organization.",
        "attributes": GROUP_ATTRIBUTES,
    },
}


def resource_types(base_url: str) -> list[dict[str, Any]]:
    """Return the two resource types this provider serves."""
    return [
        {
            "schemas": [RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A member of the organization.",
            "schema": USER,
            "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}ResourceTypes/User"},
        },
        {
            "schemas": [RESOURCE_TYPE],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "A department of the organization.",
            "schema": GROUP,
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}ResourceTypes/Group"},
        },
    ]


def schema_document(uri: str, base_url: str) -> dict[str, Any]:
    """Return one schema's definition, with its meta."""
    return {
        "schemas": [SCHEMA],
        **SCHEMA_DOCUMENTS[uri],
        "meta": {"resourceType": "Schema", "location": f"{base_url}Schemas/{uri}"},
    }


def service_provider_config(base_url: str, documentation_uri: str) -> dict[str, Any]:
    """Return what this provider supports (RFC 7643 §5)."""
    return {
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "documentationUri": documentation_uri,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": (
                    "A token an organization admin makes on the organization's SCIM page, "
                    "sent as 'Authorization: Bearer <token>'. DELETE on a User makes the "
                    "person alumni; it erases nothing."
                ),
                "specUri": "https://www.rfc-editor.org/info/rfc6750",
                "documentationUri": documentation_uri,
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base_url}ServiceProviderConfig",
        },
    }
