"""Overview and partner-country pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def overview(request):
    return HttpResponse("Relations Tracker")


@login_required
def country_list(request):
    return HttpResponse("countries")


@login_required
def country_detail(request, code):
    return HttpResponse(code)
