"""Lists of papers readers share: a reading group's syllabus, "the NeurIPS best papers", the papers a
lab keeps coming back to. Each list has a title, a description and its papers in order, each with
the comment of whoever put it there (Markdown, rendered and sanitised as comments are).

Who may do what:

- a public list is listed on /lists/ and on its owner's profile; an unlisted one is read by anyone
  with its address; a private one only by its owner and its editors;
- the owner and the editors (other readers the owner names: a research group) add papers, change
  their comments, reorder and remove them;
- the owner alone changes the title, description, visibility and editors, and deletes the list.

A refused action raises PermissionDenied or InputError with one line a person can read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from paperhaul.community import markdown
from paperhaul.community.comments import MAX_LENGTH as MAX_TEXT
from paperhaul.community.daily import papers_in_order
from paperhaul.community.models import Collection, CollectionItem
from paperhaul.errors import InputError
from paperhaul.papers.models import Paper

MAX_TITLE = 200
MAX_ITEMS = 1_000
MAX_LISTS = 100
MAX_EDITORS = 20
_FOLLOW_SALT = "paperhaul.community.follow_list"
Visibility = Collection.Visibility


def may_edit(user: AbstractBaseUser, collection: Collection) -> bool:
    """Whether ``user`` may change the papers of the list: its owner or one of its editors."""
    if not user.is_authenticated:
        return False
    return user.pk == collection.owner_id or collection.editors.filter(pk=user.pk).exists()


def may_read(user: AbstractBaseUser, collection: Collection) -> bool:
    return collection.visibility != Visibility.PRIVATE or may_edit(user, collection)


def find(owner: str, slug: str, viewer: AbstractBaseUser) -> Collection | None:
    """The list at /u/OWNER/lists/SLUG/, if ``viewer`` may read it (else None, as if it did not exist)."""
    found = (
        Collection.objects.select_related("owner")
        .filter(owner__username=owner, owner__is_active=True, slug=slug)
        .first()
    )
    return found if found is not None and may_read(viewer, found) else None


def _with_counts(lists: QuerySet[Collection]) -> QuerySet[Collection]:
    return lists.select_related("owner").annotate(paper_count=Count("items", distinct=True))


def public_lists() -> QuerySet[Collection]:
    """Every public list of an active reader, the latest changed first, with its number of papers."""
    return _with_counts(Collection.objects.filter(visibility=Visibility.PUBLIC, owner__is_active=True))


def lists_of(member: AbstractBaseUser, viewer: AbstractBaseUser) -> QuerySet[Collection]:
    """The lists a profile shows: to its owner, every list they own or edit; to others, the public
    lists the member owns."""
    if viewer.is_authenticated and viewer.pk == member.pk:
        return _with_counts(Collection.objects.filter(Q(owner=member) | Q(editors=member)).distinct())
    return _with_counts(Collection.objects.filter(owner=member, visibility=Visibility.PUBLIC))


def followable_lists() -> QuerySet[Collection]:
    """The lists e-mail digests carry: public and unlisted ones of active readers (not private ones:
    an e-mail has no session to show that its reader may read them)."""
    return Collection.objects.filter(
        visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED], owner__is_active=True
    )


def follow_value(collection: Collection) -> str:
    """How a subscription form and a list's "by e-mail" link name the list: a public list by its
    number, an unlisted one by its number signed, so that counting through numbers finds no
    unlisted list (its link is as unguessable as its address is meant to be)."""
    if collection.visibility == Visibility.PUBLIC:
        return str(collection.pk)
    return signing.Signer(salt=_FOLLOW_SALT).sign(str(collection.pk))


def lists_to_follow(values: Iterable[str], followed: Iterable[int] = ()) -> list[Collection]:
    """The lists named by these values (follow_value's), and by number those ``followed`` already,
    that digests can carry; the rest (an unlisted list by its bare number, a forged signature, a
    private list) is left out."""
    public: set[int] = set()
    signed: set[int] = set(followed)
    for value in values:
        value = str(value)
        if value.isdigit() and len(value) < 19:
            public.add(int(value))
            continue
        try:
            signed.add(int(signing.Signer(salt=_FOLLOW_SALT).unsign(value)))
        except (signing.BadSignature, ValueError):
            continue
    found = followable_lists().filter(
        Q(pk__in=sorted(public)[:50], visibility=Visibility.PUBLIC) | Q(pk__in=sorted(signed)[:50])
    )
    return list(found.select_related("owner").order_by("title", "pk"))


def editable_by(user: AbstractBaseUser) -> QuerySet[Collection]:
    """The lists ``user`` may add papers to, the latest changed first."""
    if not user.is_authenticated:
        return Collection.objects.none()
    return Collection.objects.filter(Q(owner=user) | Q(editors=user)).distinct().select_related("owner")


def containing(paper: Paper) -> QuerySet[Collection]:
    """The public lists the paper is on (a paper's page links them)."""
    return public_lists().filter(items__paper=paper)


def items(collection: Collection) -> QuerySet[CollectionItem]:
    return collection.items.select_related("paper", "added_by")


def counted_items(collection: Collection) -> list[CollectionItem]:
    """The list's entries in order, each paper with its upvote and comment counts, as lists show them."""
    entries = list(collection.items.select_related("added_by"))
    papers = {paper.pk: paper for paper in papers_in_order([entry.paper_id for entry in entries])}
    for entry in entries:
        entry.paper = papers[entry.paper_id]
    return entries


def matching(entries: list[CollectionItem], query: str) -> list[CollectionItem]:
    """The entries whose paper (title, authors, key) or comment holds every word of ``query``,
    regardless of case: finding a paper again in a long list, in its order."""
    words = query.casefold().split()

    def text(entry: CollectionItem) -> str:
        paper = entry.paper
        return " ".join([paper.title, *(paper.authors or []), paper.key, entry.comment]).casefold()

    return [entry for entry in entries if all(word in text(entry) for word in words)]


def _one_line(text: str, what: str, limit: int) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InputError(f"a list needs a {what}")
    if len(text) > limit:
        raise InputError(f"a list's {what} is at most {limit:,} characters (this one has {len(text):,})")
    return text


def _markdown(text: str, what: str) -> tuple[str, str]:
    """The text as kept and its sanitised HTML; InputError when it is too long or holds a NUL."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InputError(f"{what} is at most {MAX_TEXT:,} characters (this one has {len(text):,})")
    if "\x00" in text:
        raise InputError(f"{what} cannot hold a NUL character")
    return text, markdown.render(text) if text else ""


def _visibility(value: str) -> str:
    if value not in Visibility.values:
        raise InputError(f"a list is {', '.join(Visibility.values)}; not {value[:40]!r}")
    return value


def create(
    owner: AbstractBaseUser,
    title: str,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    editors: Sequence[str] = (),
) -> Collection:
    """A new list of ``owner``'s, at an address made from its title (kept when the title changes)."""
    title = _one_line(title, "title", MAX_TITLE)
    description, description_html = _markdown(description, "a list's description")
    if Collection.objects.filter(owner=owner).count() >= MAX_LISTS:
        raise InputError(f"a reader has at most {MAX_LISTS} lists; delete one first")
    base = slugify(title)[:70].strip("-") or "list"
    taken = set(Collection.objects.filter(owner=owner, slug__startswith=base).values_list("slug", flat=True))
    slug = next(s for n in range(1, MAX_LISTS + 2) if (s := base if n == 1 else f"{base}-{n}") not in taken)
    made = Collection(
        owner=owner,
        title=title,
        slug=slug,
        description=description,
        description_html=description_html,
        visibility=_visibility(visibility),
    )
    people = _editors(made, editors)
    try:
        with transaction.atomic():
            made.save()
            made.editors.set(people)
    except IntegrityError:  # the same title sent twice at once: the first one made it
        raise InputError(f"you made a list called “{title}” a moment ago") from None
    return made


def copy(user: AbstractBaseUser, source: Collection, source_path: str) -> Collection:
    """A private list of ``user``'s with the papers of ``source`` in order and their comments (each
    still credited to whoever wrote it), saying where it comes from: a list to annotate as one's own."""
    credit = f"Copied from [{source.title}]({source_path}) by {source.owner.get_username()}."
    description = f"{source.description[: MAX_TEXT - len(credit) - 2]}\n\n{credit}".strip()
    with transaction.atomic():
        made = create(user, source.title, description, Visibility.PRIVATE)
        CollectionItem.objects.bulk_create(
            CollectionItem(
                collection=made,
                paper_id=item.paper_id,
                position=item.position,
                comment=item.comment,
                comment_html=item.comment_html,
                added_by_id=item.added_by_id,
            )
            for item in source.items.all()
        )
    return made


def change(
    user: AbstractBaseUser,
    collection: Collection,
    *,
    title: str,
    description: str,
    visibility: str,
    editors: Sequence[str],
) -> Collection:
    """The owner changes the list's title, description, visibility and editors (by username)."""
    _owner_only(user, collection)
    collection.title = _one_line(title, "title", MAX_TITLE)
    collection.description, collection.description_html = _markdown(description, "a list's description")
    collection.visibility = _visibility(visibility)
    people = _editors(collection, editors)
    with transaction.atomic():
        collection.save()
        collection.editors.set(people)
    return collection


def _editors(collection: Collection, names: Sequence[str]) -> list[AbstractBaseUser]:
    wanted = list(dict.fromkeys(name.strip().lstrip("@") for name in names if name.strip()))
    wanted = [name for name in wanted if name != collection.owner.get_username()]
    if len(wanted) > MAX_EDITORS:
        raise InputError(f"a list has at most {MAX_EDITORS} editors")
    readers = get_user_model().objects.filter(username__in=wanted, is_active=True)
    found = {reader.get_username(): reader for reader in readers}
    if missing := [name for name in wanted if name not in found]:
        raise InputError(f"no reader is called {', '.join(repr(name[:40]) for name in missing[:3])}")
    return [found[name] for name in wanted]


def delete(user: AbstractBaseUser, collection: Collection) -> None:
    _owner_only(user, collection)
    collection.delete()


def _owner_only(user: AbstractBaseUser, collection: Collection) -> None:
    if not (user.is_authenticated and user.pk == collection.owner_id):
        raise PermissionDenied("only the list's owner may change its settings or delete it")


def check_editor(user: AbstractBaseUser, collection: Collection) -> None:
    if not may_edit(user, collection):
        raise PermissionDenied("only the list's owner and editors may change its papers")


def _touch(collection: Collection) -> None:
    """The list changed now (its papers did: the row itself is not saved)."""
    collection.updated_at = timezone.now()
    Collection.objects.filter(pk=collection.pk).update(updated_at=collection.updated_at)


def add(user: AbstractBaseUser, collection: Collection, paper: Paper, comment: str = "") -> CollectionItem:
    """Put the paper at the end of the list with a comment; a paper already on it keeps its place
    (and takes the comment, when one is given)."""
    check_editor(user, collection)
    comment, comment_html = _markdown(comment, "a comment")
    with transaction.atomic():
        item = collection.items.filter(paper=paper).first()
        if item is None:
            if collection.items.count() >= MAX_ITEMS:
                raise InputError(f"a list holds at most {MAX_ITEMS:,} papers")
            last = collection.items.aggregate(last=Max("position"))["last"] or 0
            try:
                with transaction.atomic():
                    item = CollectionItem.objects.create(
                        collection=collection,
                        paper=paper,
                        position=last + 1,
                        comment=comment,
                        comment_html=comment_html,
                        added_by=user,
                    )
            except IntegrityError:  # added by an editor a moment ago
                item = collection.items.get(paper=paper)
        elif comment:
            item.comment, item.comment_html = comment, comment_html
            item.save(update_fields=["comment", "comment_html"])
        _touch(collection)
    return item


def add_many(user: AbstractBaseUser, collection: Collection, papers: Sequence[Paper]) -> int:
    """Put the papers not on the list yet at its end, in the order given, without comments (an
    import); returns how many went on it."""
    check_editor(user, collection)
    with transaction.atomic():
        on_it = set(collection.items.values_list("paper_id", flat=True))
        new = [pk for pk in dict.fromkeys(paper.pk for paper in papers) if pk not in on_it]
        if len(on_it) + len(new) > MAX_ITEMS:
            raise InputError(f"a list holds at most {MAX_ITEMS:,} papers")
        last = collection.items.aggregate(last=Max("position"))["last"] or 0
        CollectionItem.objects.bulk_create(
            [
                CollectionItem(collection=collection, paper_id=pk, position=last + n, added_by=user)
                for n, pk in enumerate(new, start=1)
            ],
            ignore_conflicts=True,  # added by an editor a moment ago
        )
        if new:
            _touch(collection)
    return len(new)


def set_comment(user: AbstractBaseUser, item: CollectionItem, comment: str) -> CollectionItem:
    check_editor(user, item.collection)
    item.comment, item.comment_html = _markdown(comment, "a comment")
    item.save(update_fields=["comment", "comment_html"])
    _touch(item.collection)
    return item


def remove(user: AbstractBaseUser, item: CollectionItem) -> None:
    check_editor(user, item.collection)
    item.delete()
    _touch(item.collection)


def move(user: AbstractBaseUser, item: CollectionItem, step: int) -> None:
    """Swap the paper with the one before it (``step`` -1) or after it (+1); at an end, nothing."""
    check_editor(user, item.collection)
    if step not in (-1, 1):
        raise InputError("a paper moves one place up (-1) or down (+1)")
    with transaction.atomic():
        neighbours = item.collection.items.select_for_update()
        if step < 0:
            other = neighbours.filter(position__lt=item.position).order_by("-position").first()
        else:
            other = neighbours.filter(position__gt=item.position).order_by("position").first()
        if other is None:
            return
        item.position, other.position = other.position, item.position
        CollectionItem.objects.bulk_update([item, other], ["position"])
        _touch(item.collection)


def fold_merged_items(sender: object, kept: Paper, absorbed: Paper, **kwargs: object) -> None:
    """Receiver of papers_merging: a list with both items keeps the kept paper's entry, in its place,
    with both comments; the absorbed item's entry, which would double it, is then dropped."""
    theirs = {item.collection_id: item for item in CollectionItem.objects.filter(paper=absorbed)}
    for item in CollectionItem.objects.filter(paper=kept, collection_id__in=list(theirs)):
        other = theirs[item.collection_id]
        if other.comment and other.comment not in item.comment:
            item.comment = f"{item.comment}\n\n{other.comment}".strip()  # both kept, even past the limit
            item.comment_html = markdown.render(item.comment)
            item.save(update_fields=["comment", "comment_html"])
