"""Each schema of the API has a name of its own: the OpenAPI document keys its components by class name, so two
classes of one name (a tender's `TaskOut` and a project's) made one of them describe the other's answers — the
document lied and schemathesis found responses « violating » it."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import pilote.urls  # noqa: F401  (loads every API module)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_schemas_share_a_name():
    modules = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("pilote."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: sorted(found) for name, found in modules.items() if len(found) > 1} == {}


def test_the_document_holds_no_key_twice(client_as):
    """A file's response declared with the status as text ("200") beside django-ninja's own (200) gave one JSON
    object the same key twice: Swagger UI refused the whole document (« duplicated mapping key »)."""
    import json

    twice = []

    def pairs(items):
        keys = [key for key, _ in items]
        twice.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    text = client_as("direction").get("/api/v1/openapi.json").content.decode()
    json.loads(text, object_pairs_hook=pairs)
    assert twice == []
