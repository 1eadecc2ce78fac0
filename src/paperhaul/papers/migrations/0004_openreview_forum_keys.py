"""OpenReview papers are keyed by their forum page: a paper that a link to its PDF (``/pdf?id=X``)
or to a comment in its forum (``/forum?id=X&noteId=Y``) brought in before takes the key
``url:https://openreview.net/forum?id=X`` (papers/ids.py), so that the OpenReview source's record of
it, or another link to it, finds it. A paper whose new key another paper holds already stays as it
is (the two are reported as possible duplicates by `paperhaul duplicates`)."""

from urllib.parse import parse_qsl, urlsplit

from django.db import migrations

PREFIX = "url:https://openreview.net/"


def forum_key(key: str) -> str:
    parts = urlsplit(key[len("url:") :])
    forum = dict(parse_qsl(parts.query)).get("id")
    if parts.path not in ("/forum", "/pdf") or not forum:
        return key
    return f"{PREFIX}forum?id={forum}"


def rekey(apps, schema_editor) -> None:
    Paper = apps.get_model("papers", "Paper")
    Identifier = apps.get_model("papers", "Identifier")
    for paper in Paper.objects.filter(key__startswith=PREFIX).only("pk", "key"):
        new = forum_key(paper.key)
        if new == paper.key or Paper.objects.filter(key=new).exists():
            continue
        owner = Identifier.objects.filter(key=new).values_list("paper_id", flat=True).first()
        if owner not in (None, paper.pk):
            continue
        paper.key = new
        paper.save(update_fields=["key"])
        Identifier.objects.get_or_create(key=new, defaults={"paper": paper})


class Migration(migrations.Migration):
    dependencies = [("papers", "0003_job_updated_at")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
