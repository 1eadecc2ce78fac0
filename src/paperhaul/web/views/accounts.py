from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


signup = login = tokens = revoke_token = password_reset = _missing
