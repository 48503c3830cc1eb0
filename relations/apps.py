from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _new_release(sender, **kwargs) -> None:
    # The dashboard caches rendered pages under the data version; a deployment runs `migrate`, and new templates
    # or figures must not wait for the next edit to show.
    from relations.freshness import bump_data_version

    bump_data_version()


class RelationsConfig(AppConfig):
    default = True
    name = "relations"
    verbose_name = _("Bilateral relations")

    def ready(self) -> None:
        post_migrate.connect(_new_release, sender=self, dispatch_uid="relations-new-release")


class RelationsAdminConfig(admin_apps.AdminConfig):
    default = False  # "relations" alone in INSTALLED_APPS means RelationsConfig
    # Django's admin with a site that reuses what it would build per request (relations/admin_reuse.py).
    default_site = "relations.admin_reuse.AdminSite"
