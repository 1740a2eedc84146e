"""The walks of the whole API over the operations helper apid added only (dataset_apid.PATHS_REGEX), quick to run
while they are written (the whole document's walks cover them too): every role gets a 2xx where it holds the
permission (or the object's own refusal), the French 403 elsewhere; schemathesis finds no server error and no
response that breaks the document."""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler

from pilote.api.tests import dataset_apid
from pilote.api.tests.dataset import small_dataset
from pilote.api.tests.test_api_contacts import check_operation
from pilote.api.tests.test_api_schema import ROLES, _walk, connection_kept
from pilote.core import services

pytestmark = pytest.mark.django_db

MINE = re.compile(dataset_apid.PATHS_REGEX)


def _mine(document: dict) -> dict:
    return {path: operations for path, operations in document["paths"].items() if MINE.search(path)}


def test_apid_operations_enforce_the_matrix(client, client_as, personas, structure):
    ids = small_dataset(structure, personas)
    paths = _mine(client_as("direction").get("/api/v1/openapi.json").json())
    client.logout()
    assert sum(len(methods) for methods in paths.values()) == 18
    keys = {role: services.create_api_token(actor=personas[role], name="walk")[1] for role in ROLES}
    for role in ROLES:
        auth = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"}
        for path, methods in paths.items():
            for method, operation in methods.items():
                check_operation(client, auth, role, ids, path, method, operation)


def test_apid_operations_keep_the_openapi_document(client, client_as, personas, structure):
    ids = small_dataset(structure, personas)
    document = client_as("direction").get("/api/v1/openapi.json").json()
    client.logout()
    document["paths"] = _mine(document)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    keys = {role: services.create_api_token(actor=personas[role], name="schemathesis")[1] for role in ROLES}
    with connection_kept():
        failures = _walk(schema, ids, keys)
    assert not failures, "\n\n".join(failures)
