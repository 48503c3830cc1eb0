from django.urls import path

from .views import dashboard, meetings

app_name = "relations"

urlpatterns = [
    path("", dashboard.overview, name="overview"),
    path("countries/", dashboard.country_list, name="country-list"),
    path("countries/<str:code>/", dashboard.country_detail, name="country-detail"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/export.csv", meetings.meeting_export, name="meeting-export"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("sectors/<slug:slug>/", meetings.sector_detail, name="sector-detail"),
    path("officials/<int:pk>/", meetings.official_detail, name="official-detail"),
    # Article ingestion routes are added below by the ingestion views.
]
