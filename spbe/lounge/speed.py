"""Published answers of the lounge beyond the catalogue: the event-service calendar and the IKM reports.

Both are the same for every anonymous visitor until their data changes, so they are answered as published
pages (:mod:`spbe.core.public_pages`) and listed in ``PUBLISHED_ROUTES`` (``lounge/api.py``): the WSGI
layer (:mod:`spbe.core.published`) replays them without running Django. Every service that changes what
they show bumps their data set in its own transaction:

* ``lounge-events:<pemda>`` -- the calendar page, its iCalendar feed and the map's GeoJSON: event
  writes (``events.event_*``) and a catalogue import (an event lists the services it offers);
* ``lounge-ikm:<pemda>`` -- the IKM report pages and PDFs: a survey import, a survey answered for a
  ticket, and a catalogue import (the report breaks the index down by service name).

What can change without a bump (an agency renamed in accounts, "today" moving on for the calendar's
marked day and upcoming list, "provisional" on the running semester's report) is bounded by the answers'
``max-age`` (:data:`PAGE_MAX_AGE`), after which the published layer asks Django again.
"""

from __future__ import annotations

from spbe.core.published import bump_version

EVENTS_DATA_SET = "lounge-events:{pemda}"
IKM_DATA_SET = "lounge-ikm:{pemda}"
# Seconds a browser or the published layer may keep a calendar or report answer without asking again.
PAGE_MAX_AGE = 300

_PEMDA = r"/pemda/(?P<pemda>[0-9.]{1,10})"
PUBLISHED_ROUTES = [
    (_PEMDA + r"/jemput-bola/", EVENTS_DATA_SET),
    (_PEMDA + r"/jemput-bola\.ics", EVENTS_DATA_SET),
    (r"/api/v1" + _PEMDA + r"/events", EVENTS_DATA_SET),
    (_PEMDA + r"/ikm/[0-9]{4}/[12]/(?:skpd/[^/]{1,64}/)?(?:laporan\.pdf)?", IKM_DATA_SET),
]


def events_changed(pemda_code: str) -> None:
    """The pemda's event calendar changed: call inside the writing transaction."""
    bump_version(EVENTS_DATA_SET.format(pemda=pemda_code))


def ikm_changed(pemda_code: str) -> None:
    """The pemda's survey responses (or the names the report shows) changed: call inside the transaction."""
    bump_version(IKM_DATA_SET.format(pemda=pemda_code))
