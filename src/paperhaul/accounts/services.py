"""Accounts as the site uses them: who may sign up as what, and API tokens for scripts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from paperhaul.accounts.models import ApiToken
from paperhaul.errors import InputError

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def create_account(username: str, email: str, password: str) -> AbstractBaseUser:
    """A new reader; the very first account of a site becomes its administrator.

    A self-hosted site has nobody to run ``createsuperuser`` for the person who opens it first, so
    that person gets the admin. On SQLite the check and the insert are one IMMEDIATE transaction,
    so two first visitors cannot both win.
    """
    first = not has_accounts()
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(
                username=username, email=email, password=password, is_superuser=first, is_staff=first
            )
    except IntegrityError as exc:  # the same name or address signed up a moment ago
        raise InputError("An account already uses this user name or e-mail address.") from exc


def has_accounts() -> bool:
    return get_user_model().objects.exists()


def issue_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new API token for the user: its row and its text, which exists only in this return value."""
    name = (name or "").strip()
    if not name:
        raise InputError("a token needs a name, to tell it apart later")
    if len(name) > 100:
        raise InputError(f"a token's name is at most 100 characters (this one has {len(name)})")
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise InputError(f"at most {MAX_TOKENS_PER_USER} tokens per account: revoke one you no longer use")
    return ApiToken.issue(user, name)


def revoke_token(user: AbstractBaseUser, pk: int) -> ApiToken | None:
    """Delete one of the user's own tokens; None when they have no token of that id."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is not None:
        token.delete()
    return token
