from django.urls import path

from .views import dashboard, export, ingest, meetings

app_name = "relations"

urlpatterns = [
    path("", dashboard.overview, name="overview"),
    path("countries/", dashboard.country_list, name="country-list"),
    path("countries/<str:code>/", dashboard.country_detail, name="country-detail"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/export.csv", export.meeting_export, name="meeting-export"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("sectors/<slug:slug>/", meetings.sector_detail, name="sector-detail"),
    path("officials/<int:pk>/", meetings.official_detail, name="official-detail"),
    path("articles/", ingest.article_list, name="article-list"),
    path("articles/new/", ingest.article_create, name="article-create"),
    path("articles/<int:pk>/", ingest.article_detail, name="article-detail"),
    path("articles/<int:pk>/requeue/", ingest.article_requeue, name="article-requeue"),
    path("articles/<int:pk>/review/", ingest.article_review, name="article-review"),
]
