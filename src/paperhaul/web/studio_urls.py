"""The curation studio (staff only): composing, checking and publishing hauls."""

from __future__ import annotations

from django.urls import path

from paperhaul.web.views import studio

urlpatterns = [
    path("", studio.hauls, name="studio"),
    path("new/", studio.new, name="studio_new"),
    path("<int:number>/", studio.editor, name="studio_haul"),
    path("<int:number>/preview/", studio.preview, name="studio_preview"),
    path("<int:number>/header/", studio.header, name="studio_header"),
    path("<int:number>/add/", studio.add, name="studio_add"),
    path("<int:number>/sections/", studio.add_section, name="studio_add_section"),
    path("<int:number>/publish/", studio.publish, name="studio_publish"),
    path("<int:number>/unpublish/", studio.unpublish, name="studio_unpublish"),
    path("<int:number>/newsletter/", studio.newsletter, name="studio_newsletter"),
    path("<int:number>/<str:kind>/<int:pk>/edit/", studio.edit, name="studio_edit"),
    path("<int:number>/<str:kind>/<int:pk>/move/", studio.move, name="studio_move"),
    path("<int:number>/<str:kind>/<int:pk>/remove/", studio.remove, name="studio_remove"),
]
