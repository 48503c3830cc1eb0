"""The project's URLs with the admin mounted under another path (tests/test_admin_reuse.py)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("office/", admin.site.urls),
    path("", include("relations.urls")),
]
