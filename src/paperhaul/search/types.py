"""Small value types shared by the search modules."""

from __future__ import annotations

from typing import NamedTuple


class Scored(NamedTuple):
    """A paper id and its score in one ranking (higher is better)."""

    id: int
    score: float
