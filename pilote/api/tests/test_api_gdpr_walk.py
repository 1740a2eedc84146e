"""The whole API's walks narrowed to the GDPR operations (dataset_gdpr.PATHS_REGEX): every role gets a 2xx where it
holds the permission (or the keeping periods' 409), the French 403 elsewhere; schemathesis finds no server error
and no response that breaks the document."""

import re

import pytest

from pilote.api.tests import dataset_gdpr
from pilote.api.tests.walks import matrix_walk, schema_walk

pytestmark = pytest.mark.django_db

MINE = re.compile(dataset_gdpr.PATHS_REGEX)


def test_gdpr_operations_enforce_the_matrix(client, client_as, personas, structure):
    assert matrix_walk(client, client_as, personas, structure, MINE) == 4


def test_gdpr_operations_keep_the_openapi_document(client, client_as, personas, structure):
    failures = schema_walk(client, client_as, personas, structure, MINE)
    assert not failures, "\n\n".join(failures)
