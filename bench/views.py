from django.http import HttpResponse


def bare(request):
    """The least a Django page can do on this server: the benchmark's ceiling."""
    return HttpResponse("ok", content_type="text/plain")
