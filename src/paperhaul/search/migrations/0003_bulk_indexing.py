"""Set-wise indexing of bulk imports on SQLite: the marker table and insert triggers that honour it."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from paperhaul.search.sqlite_lexical import install_bulk_indexing

        install_bulk_indexing(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [("search", "0002_lexical_index")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
