import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from config.collector import settle_after_first_requests  # noqa: E402  (needs the settings above)

settle_after_first_requests()
