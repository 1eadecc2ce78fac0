"""Where generated takeaways are kept: one row per paper, method and model, current while the hash
of what it was made from is unchanged (shared by the extractive and model takeaways, takeaways.py,
and the sources' TL;DRs, source_tldrs.py)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.tldr import Summary


def input_hash(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def known_hashes(ids: list[int], method: str, model: str) -> dict[int, str]:
    """The input hash of each of these papers' takeaways of ``method`` and ``model``."""
    rows = Takeaway.objects.filter(paper_id__in=ids, method=method, model=model)
    return dict(rows.values_list("paper_id", "input_hash"))


def save_texts(
    method: str, model: str, made: dict[int, tuple[Summary, str, str]], unchanged: list[int]
) -> None:
    """Write new texts (replacing older ones of the same method and model) and mark the rest current."""
    with transaction.atomic():
        Takeaway.objects.bulk_create(
            [
                Takeaway(
                    paper_id=pid,
                    method=method,
                    model=model,
                    text=summary.takeaway,
                    closer_look=list(summary.closer_look),
                    prompt=prompt,
                    input_hash=digest,
                )
                for pid, (summary, digest, prompt) in made.items()
            ],
            update_conflicts=True,
            unique_fields=["paper", "method", "model"],
            update_fields=["text", "closer_look", "prompt", "input_hash", "generated_at"],
        )
        if unchanged:
            Takeaway.objects.filter(paper_id__in=unchanged, method=method, model=model).update(
                generated_at=timezone.now()
            )
