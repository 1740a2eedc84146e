"""The walks of the whole API narrowed to some operations, quick to run while those operations are written (the
whole document's walks, test_api_contacts and test_api_schema, cover them too), chosen by path prefixes under /api/v1
or by a regular expression over the paths: every role gets a 2xx where it holds the permission (or the object's own
refusal), the French 403 elsewhere; schemathesis finds no server error and no response that breaks the document."""

import re

import schemathesis
from django.core.handlers.wsgi import WSGIHandler

from pilote.api.tests.dataset import small_dataset
from pilote.api.tests.test_api_contacts import check_operation
from pilote.api.tests.test_api_schema import ROLES, _walk, connection_kept
from pilote.core import services

Selection = tuple[str, ...] | re.Pattern


def _narrowed(document: dict, chosen: Selection) -> dict:
    def kept(path: str) -> bool:
        if isinstance(chosen, re.Pattern):
            return bool(chosen.search(path))
        return path.removeprefix("/api/v1").startswith(chosen)

    return {path: operations for path, operations in document["paths"].items() if kept(path)}


def matrix_walk(client, client_as, personas, structure, chosen: Selection) -> int:
    """Returns the number of operations walked."""
    ids = small_dataset(structure, personas)
    paths = _narrowed(client_as("direction").get("/api/v1/openapi.json").json(), chosen)
    client.logout()
    assert paths
    keys = {role: services.create_api_token(actor=personas[role], name="walk")[1] for role in ROLES}
    for role in ROLES:
        auth = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"}
        for path, methods in paths.items():
            for method, operation in methods.items():
                check_operation(client, auth, role, ids, path, method, operation)
    return sum(len(methods) for methods in paths.values())


def schema_walk(client, client_as, personas, structure, chosen: Selection) -> list[str]:
    ids = small_dataset(structure, personas)
    document = client_as("direction").get("/api/v1/openapi.json").json()
    client.logout()
    document["paths"] = _narrowed(document, chosen)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    keys = {role: services.create_api_token(actor=personas[role], name="schemathesis")[1] for role in ROLES}
    with connection_kept():
        return _walk(schema, ids, keys)
