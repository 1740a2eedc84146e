"""The whole API's walks narrowed to the office operations helper apioffice added (dataset_apioffice.PATHS_REGEX),
quick to run while they are written (the whole document's walks cover them too): every role gets a 2xx where it
holds the permission, the French 403 elsewhere; schemathesis finds no server error and no response that breaks the
document."""

import re

import pytest

from pilote.api.tests import dataset_apioffice
from pilote.api.tests.walks import matrix_walk, schema_walk

pytestmark = pytest.mark.django_db

MINE = re.compile(dataset_apioffice.PATHS_REGEX)


def test_apioffice_operations_enforce_the_matrix(client, client_as, personas, structure):
    assert (
        matrix_walk(client, client_as, personas, structure, MINE) == 20
    )  # 19 new operations and the document read that shares its path


def test_apioffice_operations_keep_the_openapi_document(client, client_as, personas, structure):
    failures = schema_walk(client, client_as, personas, structure, MINE)
    assert not failures, "\n\n".join(failures)
