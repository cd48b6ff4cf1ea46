"""WSGI entry point: ``granian --interface wsgi config.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from spbe.core.published import PublishedResponses  # noqa: E402  (needs Django set up)
from spbe.regions.api import PUBLISHED_ROUTES  # noqa: E402
from spbe.villages.api import PUBLISHED_ROUTES as VILLAGE_ROUTES  # noqa: E402

application = PublishedResponses(django_application, routes=PUBLISHED_ROUTES + VILLAGE_ROUTES)
