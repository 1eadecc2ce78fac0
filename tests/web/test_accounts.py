"""Accounts: sign up, log in and out, passwords (changed, and reset through a real SMTP server), tokens."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from paperhaul.accounts import services
from paperhaul.accounts.models import ApiToken, digest
from paperhaul.errors import InputError
from tests.local_servers import Mailbox, smtp_server
from tests.web.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a brand new passphrase 2024"


def signup_data(username: str = "ada", **extra) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def html(response) -> str:
    return response.content.decode()


def input_tag(page: str, name: str) -> str:
    return re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)


def logged_in_as(client: Client) -> str | None:
    response = client.get("/accounts/tokens/")
    return response.context["user"].username if response.status_code == 200 else None


# Sign up


def test_first_account_administers_the_site_and_later_ones_are_readers(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert "first account of this site" in html(page)

    response = client.post("/accounts/signup/", signup_data("ada"))
    assert response.status_code == 302 and response["Location"] == "/"
    first = User.objects.get(username="ada")
    assert first.is_superuser and first.is_staff
    assert first.password.startswith("argon2")
    assert logged_in_as(client) == "ada"

    other = Client()
    assert "first account of this site" not in html(other.get("/accounts/signup/"))
    response = other.post("/accounts/signup/", signup_data("grace"))
    assert response.status_code == 302
    second = User.objects.get(username="grace")
    assert not second.is_superuser and not second.is_staff
    assert logged_in_as(other) == "grace"


def test_signup_follows_a_local_next_and_ignores_an_external_one(client):
    response = client.post("/accounts/signup/", signup_data("ada", next="/trending/"))
    assert response["Location"] == "/trending/"
    response = Client().post("/accounts/signup/", signup_data("grace", next="https://evil.example/"))
    assert response["Location"] == "/"


def test_signed_in_reader_visiting_signup_goes_home(reader_client):
    response = reader_client.get("/accounts/signup/")
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "READER", "A user with that username already exists."),
        ("email", "Reader@Example.ORG", "An account already uses this e-mail address."),
        ("email", "", "This field is required."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("username", "bad name!", "Enter a valid username."),
    ],
)
def test_signup_refuses_taken_or_malformed_names_and_addresses(client, reader, field, value, message):
    response = client.post("/accounts/signup/", {**signup_data("newcomer"), field: value})
    assert response.status_code == 400
    page = html(response)
    assert message in page
    tag = input_tag(page, field)
    assert 'aria-invalid="true"' in tag
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', tag)
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}' in page
    assert User.objects.count() == 1
    assert logged_in_as(client) is None


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("password", "password", "This password is too common."),
        ("x7#", "x7#", "This password is too short."),
        ("83749102937461", "83749102937461", "This password is entirely numeric."),
        (PASSWORD, PASSWORD + "!", "The two password fields didn\N{RIGHT SINGLE QUOTATION MARK}t match."),
    ],
)
def test_signup_refuses_weak_or_mismatched_passwords(client, password1, password2, message):
    response = client.post(
        "/accounts/signup/", {**signup_data("ada"), "password1": password1, "password2": password2}
    )
    assert response.status_code == 400
    assert message in html(response)
    assert not User.objects.exists()


def test_signup_form_is_labelled_and_tells_the_browser_what_each_field_is(client):
    page = html(client.get("/accounts/signup/"))
    for name, autocomplete in [
        ("username", "username"),
        ("email", "email"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]:
        assert f'<label for="id_{name}">' in page
        tag = input_tag(page, name)
        assert f'autocomplete="{autocomplete}"' in tag and f'id="id_{name}"' in tag
    assert 'name="csrfmiddlewaretoken"' in page


def test_signups_over_the_rate_get_429_and_create_nothing(settings, db):
    settings.PAPERHAUL_RATE_SIGNUPS = "2/m"
    for name in ("ada", "grace"):
        assert Client().post("/accounts/signup/", signup_data(name)).status_code == 302
    response = Client().post("/accounts/signup/", signup_data("mallory"))
    assert response.status_code == 429
    assert "too many sign-ups" in html(response)
    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.parametrize("username, email", [("ADA", "other@example.org"), ("someone", "Ada@Example.ORG")])
def test_the_database_refuses_a_second_account_with_the_same_name_or_address(db, username, email):
    """What the form checks first also holds for two sign-ups racing past the form together."""
    services.create_account("ada", "ada@example.org", PASSWORD)
    with pytest.raises(InputError, match="already uses this user name or e-mail address"):
        services.create_account(username, email, PASSWORD)
    assert User.objects.count() == 1


def test_accounts_without_an_address_do_not_clash(db):
    User.objects.create_user("admin1", email="")
    User.objects.create_user("admin2", email="")
    assert User.objects.count() == 2


def test_signup_without_csrf_token_is_refused_with_the_friendly_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/signup/", signup_data("ada"))
    assert response.status_code == 403
    assert "security token is missing" in html(response)
    assert not User.objects.exists()


# Log in and out


def test_login_with_the_right_password_and_a_local_next(client, reader):
    page = client.get("/accounts/login/", {"next": "/new/"})
    assert 'autocomplete="current-password"' in html(page)
    assert 'name="next" value="/new/"' in html(page)
    response = client.post("/accounts/login/", {"username": "reader", "password": PASSWORD, "next": "/new/"})
    assert response.status_code == 302 and response["Location"] == "/new/"
    assert logged_in_as(client) == "reader"


def test_login_ignores_a_next_on_another_site(client, reader):
    response = client.post(
        "/accounts/login/", {"username": "reader", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_login_with_a_wrong_password_is_refused_and_says_so(client, reader):
    response = client.post("/accounts/login/", {"username": "reader", "password": "wrong"})
    assert response.status_code == 400
    assert "Please enter a correct username and password" in html(response)
    assert 'role="alert"' in html(response)
    assert logged_in_as(client) is None


def test_login_attempts_over_the_rate_get_429_even_with_the_right_password(client, reader, settings):
    settings.PAPERHAUL_RATE_LOGINS = "3/m"
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "reader", "password": "wrong"}).status_code == 400
    response = client.post("/accounts/login/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 429
    assert "too many log-in attempts" in html(response)
    assert logged_in_as(client) is None


def test_login_without_csrf_token_is_refused(reader):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 403
    assert "security token is missing" in html(response)


def test_logout_is_a_post_from_the_header_form_and_get_is_refused(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_as(client) == "reader"
    page = html(client.get("/accounts/tokens/"))
    form = re.search(r'<form method="post" action="/accounts/logout/".*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_as(client) is None


# Passwords


def test_password_change_needs_the_old_password(reader_client):
    page = html(reader_client.get("/accounts/password/change/"))
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page
    refused = reader_client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your old password was entered incorrectly" in html(refused)
    response = reader_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/done/"
    assert "Password changed" in html(reader_client.get(response["Location"]))
    assert logged_in_as(reader_client) == "reader"  # the session that changed it stays signed in
    assert Client().login(username="reader", password=NEW_PASSWORD)
    assert not Client().login(username="reader", password=PASSWORD)


def test_password_change_needs_a_signed_in_reader(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.fixture
def smtp(settings):
    with smtp_server(settings, Mailbox()) as mailbox:
        yield mailbox


def test_password_reset_by_email_end_to_end(client, reader, smtp):
    page = html(client.get("/accounts/password/reset/"))
    assert 'autocomplete="email"' in page
    response = client.post("/accounts/password/reset/", {"email": "READER@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert "Check your e-mail" in html(client.get(response["Location"]))

    assert smtp.received.wait(10)
    [message] = smtp.messages
    assert message["To"] == "reader@example.org"
    assert "Reset your paperhaul password" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", body).group(1)

    confirm = client.get(link, follow=True)
    assert confirm.status_code == 200 and "Choose a new password" in html(confirm)
    set_password_url = confirm.redirect_chain[-1][0]
    weak = client.post(set_password_url, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in html(weak)
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    assert "Password set" in html(client.get(done["Location"]))

    response = client.post("/accounts/login/", {"username": "reader", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in_as(client) == "reader"
    used_again = client.get(link, follow=True)
    assert "This link no longer works" in html(used_again)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, reader):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_link_that_was_tampered_with_is_refused(client, reader):
    client.post("/accounts/password/reset/", {"email": "reader@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)\S+/", mail.outbox[0].body).group(1)
    response = client.get(link + "abc-0123456789abcdef/", follow=True)
    assert "This link no longer works" in html(response)
    assert User.objects.get(username="reader").check_password(PASSWORD)


def test_password_reset_requests_are_rate_limited(client, reader, settings):
    settings.PAPERHAUL_RATE_LOGINS = "2/m"
    for _ in range(2):
        client.post("/accounts/password/reset/", {"email": "reader@example.org"})
    response = client.post("/accounts/password/reset/", {"email": "reader@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2


# API tokens


def test_tokens_page_needs_a_signed_in_reader(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_new_token_is_shown_once_and_stored_only_as_its_digest(reader_client, reader):
    assert "You have no API tokens." in html(reader_client.get("/accounts/tokens/"))
    response = reader_client.post("/accounts/tokens/", {"name": "laptop script"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = html(response)
    token = re.search(r'id="new-token" type="text" value="(ph_[^"]+)"', page).group(1)
    assert "it is shown only this once" in page
    row = ApiToken.objects.get(user=reader)
    assert row.name == "laptop script"
    assert row.digest == digest(token) and token not in (row.digest, row.prefix)
    assert token.startswith(row.prefix)

    listing = html(reader_client.get("/accounts/tokens/"))
    assert "laptop script" in listing and f"{row.prefix}…" in listing
    assert token not in listing
    assert "never" in listing


@pytest.mark.parametrize(("name", "message"), [("", "This field is required."), ("x" * 101, "at most 100")])
def test_a_token_needs_a_sensible_name(reader_client, name, message):
    response = reader_client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 400
    assert message in html(response)
    assert not ApiToken.objects.exists()


def test_a_reader_has_a_bounded_number_of_tokens(reader_client, reader):
    for number in range(services.MAX_TOKENS_PER_USER):
        services.issue_token(reader, f"token {number}")
    response = reader_client.post("/accounts/tokens/", {"name": "one too many"})
    assert response.status_code == 400
    assert "revoke one you no longer use" in html(response)
    assert ApiToken.objects.filter(user=reader).count() == services.MAX_TOKENS_PER_USER


def test_revoke_own_token_but_not_someone_elses(reader_client, reader, other_reader):
    mine, _ = services.issue_token(reader, "mine")
    theirs, _ = services.issue_token(other_reader, "theirs")
    listing = html(reader_client.get("/accounts/tokens/"))
    assert "theirs" not in listing

    assert reader_client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert reader_client.post("/accounts/tokens/999999/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()

    assert reader_client.get(f"/accounts/tokens/{mine.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=mine.pk).exists()

    response = reader_client.post(f"/accounts/tokens/{mine.pk}/revoke/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/tokens/"
    assert "Token “mine” revoked" in html(response)
    assert not ApiToken.objects.filter(pk=mine.pk).exists()


def test_anonymous_revoke_changes_nothing(client, reader):
    token, _ = services.issue_token(reader, "mine")
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_token_command_prints_a_token_matching_the_stored_digest(reader):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "reader", "--name", "cron job", stdout=out, stderr=err)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(digest=digest(token))
    assert row.user == reader and row.name == "cron job"
    assert "not shown again" in err.getvalue()


def test_token_command_refuses_an_unknown_user(db):
    make_user("someone")
    with pytest.raises(CommandError, match="no such user: nobody"):
        call_command("token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()
