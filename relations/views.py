"""Placeholder views; the dashboard issue replaces them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def overview(request):
    return HttpResponse("Relations Tracker")


@login_required
def country_detail(request, code):
    return HttpResponse(code)


@login_required
def meeting_detail(request, pk):
    return HttpResponse(str(pk))


@login_required
def sector_detail(request, slug):
    return HttpResponse(slug)


@login_required
def official_detail(request, pk):
    return HttpResponse(str(pk))
