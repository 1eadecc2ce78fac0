from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


paper = vote = save = comment = edit_comment = delete_comment = hide_comment = _missing
