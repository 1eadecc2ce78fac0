"""/api/search and /api/typeahead answer without re-validation: their JSON must match the schema."""

from __future__ import annotations

import pytest

from paperhaul.api.search import SearchOut, TypeaheadOut

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["preference optimization", "2401.00001", "nothing-matches-this"])
def test_search_answers_match_the_documented_schema(client, papers, query):
    response = client.get("/api/search", {"q": query, "mode": "lexical"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = response.json()
    assert SearchOut.model_validate(document).model_dump(mode="json") == document


@pytest.mark.parametrize("text", ["spar", "Ada Lov", "2401.0"])
def test_typeahead_answers_match_the_documented_schema(client, papers, text):
    document = client.get("/api/typeahead", {"q": text}).json()
    assert document["suggestions"]
    assert TypeaheadOut.model_validate(document).model_dump(mode="json") == document
