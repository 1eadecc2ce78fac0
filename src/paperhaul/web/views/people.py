from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


author = profile = _missing
