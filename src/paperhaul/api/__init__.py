"""The JSON API (django-ninja): one NinjaAPI, a router per app, OpenAPI at /api/openapi.json."""
