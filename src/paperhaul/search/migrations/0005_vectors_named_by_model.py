"""Vectors are named by their model alone, no longer by the runtime that computed them.

Stored ids such as ``all-MiniLM-L6-v2:onnx-int8`` or ``all-MiniLM-L6-v2:torch:128-tokens``
lose their runtime (embeddings.py says why), in the rows, in the topic decisions that name them
and in the vector index files, so an upgraded library keeps its vectors, topics and index
instead of computing them again.
"""

import json

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Replace

FORMER_RUNTIMES = ("onnx-int8", "torch")


def without_runtime(model_id: str) -> str:
    name, _, rest = model_id.partition(":")
    runtime, _, tokens = rest.partition(":")
    if runtime not in FORMER_RUNTIMES:
        return model_id
    return f"{name}:{tokens}" if tokens else name


def rename(apps, schema_editor):
    from paperhaul.search.vectors import VectorIndex

    Embedding = apps.get_model("search", "Embedding")
    TopicState = apps.get_model("enrich", "TopicState")
    renamed: dict[str, list[str]] = {}
    for old in Embedding.objects.values_list("model", flat=True).distinct():
        new = without_runtime(old)
        if new != old:
            renamed.setdefault(new, []).append(old)
    for new, olds in renamed.items():
        for old in olds:
            Embedding.objects.filter(model=old).update(model=new)
            TopicState.objects.filter(basis__endswith=f"|{old}").update(
                basis=Replace(F("basis"), Value(f"|{old}"), Value(f"|{new}"))
            )
        if len(olds) == 1:
            _rename_index_file(VectorIndex(olds[0]), VectorIndex(new))
        else:
            # Vectors of two runtimes (a library caught between them) now share one name: neither
            # file holds them all, so both go, and the next build makes one of every row.
            for old in olds:
                VectorIndex(old).forget()


def _rename_index_file(old, new) -> None:
    """Move the index file to its new name, its description first (rewritten to the new id).

    A missing or unreadable file is left alone: the index is a cache that is rebuilt from the rows.
    """
    if new.path.exists() or not old.path.exists():
        return
    try:
        meta = json.loads(old.meta_path.read_text())
    except (OSError, ValueError):
        return
    meta["model"] = new.model_id
    new.meta_path.write_text(json.dumps(meta))
    old.path.rename(new.path)
    old.meta_path.unlink(missing_ok=True)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_author_words"), ("enrich", "0002_default_topics")]

    operations = [
        migrations.RunPython(rename, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="embedding",
            name="model",
            field=models.CharField(
                help_text="Model that made the vector (and its word-piece cut, when shorter than the model allows).",
                max_length=300,
            ),
        ),
    ]
