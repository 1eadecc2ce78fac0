from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


overview = sync = import_file = add = job = _missing
