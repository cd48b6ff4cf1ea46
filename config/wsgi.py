"""WSGI entry point: ``granian --interface wsgi config.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from spbe.core.published import PublishedResponses, collect_routes  # noqa: E402  (needs Django set up)

application = PublishedResponses(django_application, routes=collect_routes())
