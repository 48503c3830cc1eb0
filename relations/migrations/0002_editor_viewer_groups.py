"""The two staff roles, in every database: "Editor" records and corrects, "Viewer" only reads.

A user of either group also needs `is_staff` to enter the admin. A model added later needs its own migration that
grants its permissions to both groups (tests/test_admin.py checks that every model is covered).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = [
    "country",
    "countryalias",
    "organization",
    "official",
    "position",
    "sector",
    "meeting",
    "meetingcountry",
    "participant",
    "meetingsector",
    "article",
    "commitment",
]
# Editors may delete: fixing a record means removing a wrong partner, participant or sector row from a meeting
# (an inline's delete box needs the delete permission), and merging a duplicate meeting. Nothing is lost: the
# history keeps every deleted row with who deleted it and when.
EDITOR_ACTIONS = ["add", "change", "delete", "view"]
VIEWER_ACTIONS = ["view"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; this migration needs them now.
    app_config = apps.get_app_config("relations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, actions in [("Editor", EDITOR_ACTIONS), ("Viewer", VIEWER_ACTIONS)]:
        codenames = [f"{action}_{model}" for model in MODELS for action in actions]
        permissions = Permission.objects.using(db).filter(content_type__app_label="relations", codename__in=codenames)
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for the {name} group.")
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=["Editor", "Viewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
