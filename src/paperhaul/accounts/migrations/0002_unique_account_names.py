"""One account per e-mail address and per user name, whatever their case, enforced by the database.

The sign-up form checks both first, for a friendly message; these indexes make two sign-ups racing
with the same address fail too. Expression indexes with a WHERE clause work on SQLite and PostgreSQL.
A site that already has two accounts sharing an address must merge them before migrating.
"""

from django.db import migrations

INDEXES = {
    "accounts_unique_email": "lower(email)) WHERE email <> ''",
    "accounts_unique_username": "lower(username))",
}


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {name} ON auth_user ({expression}",
            reverse_sql=f"DROP INDEX {name}",
        )
        for name, expression in INDEXES.items()
    ]
