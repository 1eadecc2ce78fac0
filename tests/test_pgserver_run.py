"""The URL the PostgreSQL test run hands to Django must put pgserver's socket folder in HOST."""

import dj_database_url

from tests.pgserver_run import database_url


def test_the_socket_folder_becomes_host():
    parsed = dj_database_url.parse(database_url("/tmp/x/data"))
    assert (parsed["HOST"], parsed["USER"], parsed["NAME"]) == ("/tmp/x/data", "postgres", "postgres")
