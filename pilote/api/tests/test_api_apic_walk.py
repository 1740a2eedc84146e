"""The walks of the whole API over the operations helper apic added only (dataset_apic.PATHS), quick to run while
they are written (the whole document's walks cover them too): every role gets a 2xx where it holds the permission
(or the object's own refusal), the French 403 elsewhere; schemathesis finds no server error and no response that
breaks the document."""

import pytest

from pilote.api.tests import dataset_apic
from pilote.api.tests.walks import matrix_walk, schema_walk

pytestmark = pytest.mark.django_db


def test_apic_operations_enforce_the_matrix(client, client_as, personas, structure):
    matrix_walk(client, client_as, personas, structure, dataset_apic.PATHS)


def test_apic_operations_keep_the_openapi_document(client, client_as, personas, structure):
    failures = schema_walk(client, client_as, personas, structure, dataset_apic.PATHS)
    assert not failures, "\n\n".join(failures)
