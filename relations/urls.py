from django.urls import path

from . import views

app_name = "relations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector-detail"),
    path("officials/<int:pk>/", views.official_detail, name="official-detail"),
]
