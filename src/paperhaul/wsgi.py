import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperhaul.settings")
application = get_wsgi_application()

# Import every view now, then set aside all the objects loaded so far (Django, the app, their
# modules: about 170,000) from the garbage collector: they live as long as the process, and each
# full collection walked them with the rest (about 300,000 objects once a worker had searched), a
# pause of about 160 ms every few hundred requests (docs/benchmarks.md, web load).
import_module(settings.ROOT_URLCONF)
gc.freeze()
