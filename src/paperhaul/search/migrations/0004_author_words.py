"""PostgreSQL: the authors' own tsvector column and GIN index (typeahead and `author:`)."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from paperhaul.search.postgres_lexical import install_author_words

        install_author_words(schema_editor.connection.cursor())


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE papers_paper DROP COLUMN IF EXISTS search_authors")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_bulk_indexing")]

    operations = [migrations.RunPython(install, uninstall)]
