"""What search stores beside the library: one embedding per paper, tagged with the model that made it.

The lexical index lives in the database itself (SQLite FTS5 kept by triggers, a generated
tsvector column on PostgreSQL), so it can never disagree with the papers; see lexical_*.py.
"""

from __future__ import annotations

from django.db import models

from paperhaul.papers.models import Paper


class Embedding(models.Model):
    """A paper's vector. Rows are replaced, never updated, so a growing id marks what is new.

    The vector index files (vectors.py) are caches rebuilt from these rows; `id` lets a reader
    pick up whatever was embedded after a file was written.
    """

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="embedding")
    model = models.CharField(
        max_length=300,
        help_text="Model that made the vector (and its word-piece cut, when shorter than the model allows).",
    )
    text_hash = models.CharField(max_length=32, help_text="Hash of the text that was embedded.")
    vector = models.BinaryField(help_text="float32 values, L2-normalised.")
    embedded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["model", "id"], name="embedding_model_id_idx")]

    def __str__(self) -> str:
        return f"{self.model} vector of paper {self.paper_id}"
