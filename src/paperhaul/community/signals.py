"""Signals other apps listen to, so the community services never import them (the web pages' cache)."""

from django.dispatch import Signal

# Sent after a change to a paper's votes or comments is committed; argument: paper.
paper_activity = Signal()
