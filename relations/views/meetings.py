"""Meetings list, export and detail; sector and official pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def meeting_list(request):
    return HttpResponse("meetings")


@login_required
def meeting_export(request):
    return HttpResponse("", content_type="text/csv")


@login_required
def meeting_detail(request, pk):
    return HttpResponse(str(pk))


@login_required
def sector_detail(request, slug):
    return HttpResponse(slug)


@login_required
def official_detail(request, pk):
    return HttpResponse(str(pk))
