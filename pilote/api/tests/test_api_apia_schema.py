"""The property test of test_api_schema (schemathesis against the OpenAPI document, on the small data set) over the
operations helper apia added only (dataset_apia.PATHS): quick to run while they are written; the whole document's test
walks them too."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler

from pilote.api.tests import dataset_apia
from pilote.api.tests.dataset import small_dataset
from pilote.api.tests.test_api_schema import ROLES, _walk, connection_kept
from pilote.core import services

pytestmark = pytest.mark.django_db


def test_apia_operations_keep_the_openapi_document(client, client_as, personas, structure):
    ids = small_dataset(structure, personas)
    document = client_as("direction").get("/api/v1/openapi.json").json()
    client.logout()
    document["paths"] = {path: operations for path, operations in document["paths"].items()
                         if path.removeprefix("/api/v1").startswith(dataset_apia.PATHS)}  # fmt: skip
    assert document["paths"]
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    keys = {role: services.create_api_token(actor=personas[role], name="schemathesis")[1] for role in ROLES}
    with connection_kept():
        failures = _walk(schema, ids, keys)
    assert not failures, "\n\n".join(failures)
