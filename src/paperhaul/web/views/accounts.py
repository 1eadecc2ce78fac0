"""Account pages: sign up, log in, password reset, and the API tokens of the signed-in reader.

Log-out and password change are Django's own views (routed in urls.py); the views here add what
the site needs on top of Django's: rate limits, the first account as administrator, tokens.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as start_session
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from paperhaul.accounts import services
from paperhaul.accounts.forms import SignupForm, TokenForm
from paperhaul.accounts.models import ApiToken
from paperhaul.community import limits
from paperhaul.errors import InputError


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing up: the ``next`` asked for when it is on this site, else nothing."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else ""


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        limits.enforce(request, "signup")  # counts accounts created, not typos
        data = form.cleaned_data
        try:
            user = services.create_account(data["username"], data["email"], data["password1"])
        except InputError as exc:
            form.add_error(None, str(exc))
            return _signup_page(request, form)
        start_session(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user.is_superuser:
            messages.success(request, "Welcome! As the first account, you administer this site.")
        else:
            messages.success(request, f"Welcome, {user.get_username()}!")
        return redirect(_next_url(request) or "home")
    return _signup_page(request, form)


def _signup_page(request: HttpRequest, form: SignupForm) -> HttpResponse:
    status = 400 if form.errors else 200
    context = {"form": form, "next": _next_url(request), "first_account": not services.has_accounts()}
    return render(request, "accounts/signup.html", context, status=status)


class LoginView(auth_views.LoginView):
    """Django's log-in, with attempts counted per client address and a 400 for a refused one."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limits.enforce(request, "login")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail (same answer whether or not the address is known), rate-limited."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_email_subject.txt"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limits.enforce(request, "login")
        return super().post(request, *args, **kwargs)


login = LoginView.as_view()
password_reset = PasswordResetView.as_view()


def _tokens_page(
    request: HttpRequest, form: TokenForm, new_token: str = "", status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": ApiToken.objects.filter(user=request.user), "new_token": new_token},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The reader's API tokens; a new one is shown on the page that answers its creation, only there."""
    if request.method == "GET":
        return _tokens_page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _, text = services.issue_token(request.user, form.cleaned_data["name"])
        except InputError as exc:
            form.add_error("name", str(exc))
        else:
            return _tokens_page(request, TokenForm(), new_token=text)
    return _tokens_page(request, form, status=400)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = services.revoke_token(request.user, pk)
    if token is None:
        raise Http404("no such token")
    messages.success(request, f"Token “{token.name}” revoked: scripts using it can no longer write.")
    return redirect("tokens")
