import pytest

from relations.models import MeetingCountry

from .factories import make_meeting


@pytest.mark.django_db
def test_meeting_sides_carry_the_meeting_date():
    meeting = make_meeting(partners=("PE", "CL"))
    assert sorted(c.code for c in meeting.partner_countries) == ["CL", "PE"]
    assert meeting.host_country.code == "ID"
    meeting.held_on = meeting.held_on.replace(year=2023)
    meeting.save()
    assert set(MeetingCountry.objects.filter(meeting=meeting).values_list("held_on__year", flat=True)) == {2023}
