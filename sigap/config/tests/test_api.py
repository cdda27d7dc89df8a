"""The OpenAPI document: every reference in it resolves (a client generator or validator stops at one that
does not). The bodies described by hand (``openapi_extra``: a report or an answer as JSON or multipart) named
their JSON schema by reference, which Ninja never added to the document's components."""

from __future__ import annotations

import pytest

from sigap.config.api import api


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.mark.django_db
def test_every_reference_in_the_openapi_document_resolves():
    schema = api.get_openapi_schema()
    refs = set(_refs(schema))
    assert "#/components/schemas/ReportIn" in refs and "#/components/schemas/AnswerIn" in refs
    for ref in sorted(refs):
        assert ref.startswith("#/"), ref
        node = schema
        for part in ref[2:].split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]
    answer = schema["paths"]["/api/v1/track/{code}/answer"]["post"]["requestBody"]["content"]
    assert set(answer) == {"application/json", "multipart/form-data"}
