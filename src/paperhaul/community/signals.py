"""Signals other apps listen to, so the community services never import them (the web pages' cache)."""

from django.dispatch import Signal

# Sent after a change to a paper's votes or comments is committed; argument: paper.
paper_activity = Signal()

# Sent after a new comment is committed; argument: comment (notify/ e-mails the author of the
# comment it answers).
comment_posted = Signal()
