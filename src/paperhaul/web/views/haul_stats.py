"""/hauls/stats/: what the published hauls cover, with the papers-per-month chart inline.

The chart is the SVG of hauls/chart.py put straight into the page: it has no style attribute
and no script, so the Content-Security-Policy allows it, and a screen reader reads its title
and description (every month's count) as one image; the table under it gives the same numbers.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from paperhaul.hauls.stats import month_chart, site_stats
from paperhaul.web.caching import for_signed_out_readers

TOP_DOMAINS = 15


@for_signed_out_readers
def stats(request: HttpRequest) -> HttpResponse:
    found = site_stats()
    context = {
        "stats": found,
        "domains": found.domains[:TOP_DOMAINS],
        "more_domains": max(len(found.domains) - TOP_DOMAINS, 0),
        "chart": mark_safe(month_chart(found)),  # every text in it is escaped by chart.py
    }
    return render(request, "hauls/stats.html", context)
