"""Subscription pages: subscribe, confirm, manage, unsubscribe, "not interested"; and "For you"
with the reader's topics and keyword filters.

Every page after the first is reached by a signed link from an e-mail (tokens.py): no account,
no password. GET only shows; a POST changes. The unsubscribe address alone takes a POST without
a CSRF token, as mail clients send RFC 8058's one-click unsubscription (no cookies, no form
token): the signed token in the address is what authorises it, and unsubscribing is all it does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from paperhaul.community import limits
from paperhaul.community.reactions import marks
from paperhaul.enrich.display import attach
from paperhaul.enrich.models import Topic
from paperhaul.notify import recommend, subscriptions, tokens
from paperhaul.notify.forms import KeywordFiltersForm, PreferencesForm, ReaderTopicsForm, SubscribeForm
from paperhaul.notify.mail import MailUnavailable
from paperhaul.notify.models import NotInterested, Subscription
from paperhaul.papers.models import Paper
from paperhaul.web.views.errors import error_page


def _linked(*, confirming: bool = False) -> Callable:
    """Give the view the subscription of the signed link, or answer a page saying what is wrong with it."""
    load = tokens.from_confirm_token if confirming else tokens.from_manage_token

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            try:
                subscription = load(token)
            except tokens.BadToken as exc:
                return render(request, "notify/bad_link.html", {"reason": str(exc)}, status=404)
            return view(request, subscription, token, *args, **kwargs)

        return wrapper

    return decorate


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            limits.enforce(request, "subscribe")  # counts e-mails sent, not typos
            try:
                subscriptions.subscribe(form.cleaned_data["email"], form.cleaned_data["preferences"])
            except MailUnavailable as exc:
                return error_page(request, 503, str(exc)[:1].upper() + str(exc)[1:] + ".")
            return redirect("notify:subscribe_sent")
    else:
        initial = {
            "search": request.GET.get("q", "")[:1000],
            "categories": request.GET.get("category", "")[:500],
            "topics": list(Topic.objects.filter(slug__in=request.GET.getlist("topic")[:50])),
            "lists": request.GET.getlist("list")[:50],
        }
        form = SubscribeForm(initial={k: v for k, v in initial.items() if v})
    status = 400 if form.errors else 200
    return render(request, "notify/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "notify/subscribe_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
@_linked(confirming=True)
def confirm(request: HttpRequest, subscription: Subscription, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); its POST confirms."""
    if request.method == "POST":
        subscriptions.confirm(subscription)
        messages.success(request, "Subscription confirmed: your first digest comes with the next round.")
        return redirect("notify:manage", token=tokens.manage_token(subscription))
    return render(request, "notify/confirm.html", {"subscription": subscription})


@never_cache
@require_http_methods(["GET", "POST"])
@_linked()
def manage(request: HttpRequest, subscription: Subscription, token: str) -> HttpResponse:
    form = PreferencesForm.for_subscription(subscription, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("action") == "resubscribe":
            subscriptions.resubscribe(subscription)
            messages.success(request, "Welcome back: digests will come again.")
            return redirect("notify:manage", token=token)
        if form.is_valid():
            subscriptions.update(subscription, form.cleaned_data["preferences"])
            messages.success(request, "Preferences saved.")
            return redirect("notify:manage", token=token)
    context = {"subscription": subscription, "form": form, "token": token}
    return render(request, "notify/manage.html", context, status=400 if form.errors else 200)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@_linked()
def unsubscribe(request: HttpRequest, subscription: Subscription, token: str) -> HttpResponse:
    """GET asks for a confirmation; any POST unsubscribes (a page's button, or RFC 8058 one-click)."""
    if request.method == "POST":
        subscriptions.unsubscribe(subscription)
        return render(request, "notify/unsubscribed.html", {"subscription": subscription, "token": token})
    return render(request, "notify/unsubscribe.html", {"subscription": subscription, "token": token})


@never_cache
@require_http_methods(["GET", "POST"])
@_linked()
def not_interested(
    request: HttpRequest, subscription: Subscription, token: str, paper_id: int
) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=paper_id)
    if request.method == "POST":
        subscriptions.dismiss(subscription, paper)
        messages.success(request, f"“{paper.title}” will not be sent to you again.")
        return redirect("notify:manage", token=token)
    return render(request, "notify/not_interested.html", {"paper": paper, "token": token})


FOR_YOU_LENGTH = 30


@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    return _for_you_page(request)


@login_required
@require_POST
def for_you_topics(request: HttpRequest) -> HttpResponse:
    """Save the topics the reader's page starts from."""
    form = ReaderTopicsForm(request.POST)
    if not form.is_valid():
        return _for_you_page(request, topics_form=form, status=400)
    recommend.choose_topics(request.user, list(form.cleaned_data["topics"]))
    messages.success(request, "Your topics are saved.")
    return redirect("notify:for_you")


@login_required
@require_POST
def for_you_filters(request: HttpRequest) -> HttpResponse:
    """Save the reader's keyword filters (those of a subscription, for this page and their digests)."""
    form = KeywordFiltersForm(request.POST)
    if not form.is_valid():
        return _for_you_page(request, filters_form=form, status=400)
    recommend.choose_filter(request.user, form.keyword_filter())
    messages.success(request, "Your filters are saved.")
    return redirect("notify:for_you")


def _for_you_page(
    request: HttpRequest,
    *,
    topics_form: ReaderTopicsForm | None = None,
    filters_form: KeywordFiltersForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The reader's recommendations with why each is there; trending papers until there are any;
    a form that was refused is shown again as it was sent, with its errors."""
    keywords = recommend.reader_filter(request.user)
    topics_form = topics_form or ReaderTopicsForm(initial={"topics": recommend.chosen_topics(request.user)})
    filters_form = filters_form or KeywordFiltersForm(initial=KeywordFiltersForm.initial_filters(keywords))
    recommendations = recommend.recommended(request.user, limit=FOR_YOU_LENGTH)
    papers = attach(
        [r.paper for r in recommendations] or recommend.trending(request.user, limit=FOR_YOU_LENGTH)
    )
    why = {r.paper.pk: _why(r) for r in recommendations}
    basis = "trending"
    if recommendations:
        basis = "votes" if recommendations[0].because else "topics"
    context = {
        "items": [(paper, why.get(paper.pk, "")) for paper in papers],
        "basis": basis,
        "chosen_topics": bool(recommend.chosen_topics(request.user)),
        "topics_form": topics_form,
        "filters_form": filters_form,
        "filtered": keywords.active,
        **marks(request.user, [p.pk for p in papers]),
    }
    return render(request, "notify/for_you.html", context, status=status)


def _why(recommendation: recommend.Recommendation) -> str:
    if recommendation.because is not None:
        return f"Because you liked “{recommendation.because.title}”"
    return f"In your topic “{recommendation.topic.name}”" if recommendation.topic else ""


@login_required
@require_POST
def for_you_not_interested(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=paper_id)
    NotInterested.objects.get_or_create(user=request.user, paper=paper)
    messages.success(request, f"“{paper.title}” will not be recommended to you again.")
    return redirect("notify:for_you")
