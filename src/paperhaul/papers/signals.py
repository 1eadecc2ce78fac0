"""Signals other apps listen to, so the library never imports them (search, enrichment...)."""

from django.dispatch import Signal

# Sent after papers were added or their fields changed and the change is committed; no arguments.
library_changed = Signal()
