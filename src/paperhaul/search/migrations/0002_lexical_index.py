"""The lexical index: FTS5 tables and triggers on SQLite, generated tsvector columns on PostgreSQL."""

import importlib

from django.db import migrations


def _lexical(schema_editor):
    vendor = "postgres" if schema_editor.connection.vendor == "postgresql" else "sqlite"
    return importlib.import_module(f"paperhaul.search.{vendor}_lexical")


def install(apps, schema_editor):
    _lexical(schema_editor).install(schema_editor.connection.cursor())


def uninstall(apps, schema_editor):
    _lexical(schema_editor).uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("papers", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
