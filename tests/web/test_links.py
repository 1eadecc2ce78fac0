"""The page addresses links.py makes without reverse() lead where reverse() does."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.urls import resolve, reverse

from paperhaul.web import links


@pytest.mark.parametrize(
    ("make", "name", "value", "kwarg"),
    [
        (links.category_path, "category", "cs.CL", "category"),
        (links.category_path, "category", "math.GT", "category"),
        (links.topic_path, "topic", "large-language-models", "slug"),
        (links.vote_path, "vote", 1234, "pk"),
        (links.author_path, "author", "Ada Lovelace", "name"),
        (links.author_path, "author", "Seán O'Brien / Ng, A.", "name"),
    ],
)
def test_the_fast_paths_resolve_to_the_same_page_as_reverse(make, name, value, kwarg):
    # As the server does, the path is unquoted before it is resolved.
    match = resolve(unquote(make(value)))
    assert match.url_name == name
    assert match.kwargs[kwarg] == value
    assert resolve(unquote(reverse(name, args=[value]))).kwargs == match.kwargs
