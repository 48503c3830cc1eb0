from django.db import migrations
from django.db.models import Q


def first_day(day, precision):
    if precision == "month":
        return day.replace(day=1)
    if precision == "year":
        return day.replace(month=1, day=1)
    return day


def dates_on_first_days(apps, schema_editor):
    """Month and year dates stored on another day (the admin took 2024-05-31 for "May 2024") moved to the first
    day, as every save now stores them: their meeting's country rows, which copy the date, with them."""
    meeting_model = apps.get_model("relations", "Meeting")
    side_model = apps.get_model("relations", "MeetingCountry")
    commitment_model = apps.get_model("relations", "Commitment")
    off_day = Q(date_precision="month") & ~Q(held_on__day=1)
    off_day |= Q(date_precision="year") & ~(Q(held_on__month=1) & Q(held_on__day=1))
    for meeting in meeting_model.objects.filter(off_day).only("pk", "held_on", "date_precision").iterator():
        day = first_day(meeting.held_on, meeting.date_precision)
        meeting_model.objects.filter(pk=meeting.pk).update(held_on=day)
        side_model.objects.filter(meeting_id=meeting.pk).update(held_on=day)
    off_due = Q(due_precision="month") & ~Q(due_on__day=1)
    off_due |= Q(due_precision="year") & ~(Q(due_on__month=1) & Q(due_on__day=1))
    for commitment in commitment_model.objects.filter(off_due).only("pk", "due_on", "due_precision").iterator():
        commitment_model.objects.filter(pk=commitment.pk).update(
            due_on=first_day(commitment.due_on, commitment.due_precision)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0010_readable_aliases"),
    ]

    operations = [
        migrations.RunPython(dates_on_first_days, migrations.RunPython.noop, elidable=True),
    ]
