"""Author pages (every paper with that name among its authors) and readers' profiles."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from paperhaul.community import collections, people, reading
from paperhaul.community.daily import papers_in_order
from paperhaul.community.reactions import marks
from paperhaul.enrich.display import attach
from paperhaul.notify.replies import replies_seen_at, wants_replies
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import PER_PAGE, Page, page_number, window

# The lists a profile shows, by the ``show`` parameter; "saved" only to its owner.
PROFILE_LISTS = {
    "upvotes": "Upvotes",
    "comments": "Comments",
    "lists": "Lists",
    "saved": "Saved",
    "replies": "Replies",
}
OWN_LISTS = {"saved", "replies"}


def _papers_page(request: HttpRequest, ids_page: Page) -> dict:
    """A page of paper ids as a page of papers (with takeaways and topics), with the reader's marks
    (which they upvoted and saved)."""
    papers = attach(papers_in_order(list(ids_page.items)))
    page = Page(papers, ids_page.number, ids_page.has_next, ids_page.per_page)
    return {"page": page, **marks(request.user, [p.pk for p in papers])}


@for_signed_out_readers
def author(request: HttpRequest, name: str) -> HttpResponse:
    """The papers that list ``name`` among their authors, newest first."""
    number = page_number(request.GET)
    ids = people.author_paper_ids(name, number * PER_PAGE + 1)
    if not ids:
        raise Http404("no paper has this author")
    # Followed as the search for the name (feeds and e-mail digests of searches, newest first).
    follow_query = urlencode({"q": 'author:"{}"'.format(" ".join(name.replace('"', " ").split()))})
    context = {"name": name, "follow_query": follow_query, **_papers_page(request, window(ids, number))}
    return render(request, "people/author.html", context)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A reader's upvotes, comments and public lists, and their saved papers, the replies to their
    comments and their other lists (to themselves only)."""
    member = get_object_or_404(get_user_model(), username=username, is_active=True)
    own = request.user.is_authenticated and request.user.pk == member.pk
    tabs = {key: label for key, label in PROFILE_LISTS.items() if own or key not in OWN_LISTS}
    show = request.GET.get("show", "upvotes")
    if show not in tabs:
        raise Http404("no such list")
    number = page_number(request.GET)
    context = {"member": member, "own": own, "tabs": tabs, "show": show, "voted": set()}
    if show == "comments":
        context["page"] = window(people.comments_by(member), number)
    elif show == "replies":
        context["page"] = window(people.replies_to(member), number)
        context["reply_emails"] = wants_replies(member)
        seen_at = replies_seen_at(member)
        for reply in context["page"].items:
            reply.is_new = seen_at is None or reply.created_at > seen_at
        context["unseen"] = any(reply.is_new for reply in context["page"].items)
    elif show == "lists":
        context["page"] = window(collections.lists_of(member, request.user), number)
    elif show == "saved":
        context |= _reading_list(request, member, number)
    else:
        context |= _papers_page(request, window(people.upvoted_paper_ids(member), number))
    return render(request, "people/profile.html", context)


def _reading_list(request: HttpRequest, member, number: int) -> dict:
    """A page of one part of the reader's list (``state``: all, to-read, read), each paper with the
    reader's row (read or not, their note) and the arXiv version posted since they saved it."""
    state = request.GET.get("state", "all")
    if state not in reading.STATES:
        raise Http404("no such part of the reading list")
    shown = _papers_page(request, window(reading.saved_paper_ids(member, state), number))
    page = shown["page"]
    rows = reading.entries(member, page.items)
    revised = reading.revised_since_saved(page.items, rows)
    for paper in page.items:
        paper.revised_since_saved = revised.get(paper.pk, "")
        paper.reading = rows.get(paper.pk)
    return {
        **shown,
        "state": state,
        "states": reading.STATES,
        "counts": reading.counts(member),
    }
