"""Who may change the service catalogue and the survey data of a pemda.

The catalogue and the published index are public: reading them needs no policy. Importing a whole
catalogue or a stack of survey forms touches every agency at once, so it is the pemda admin's (or a
command's, run by whoever operates the server).
"""

from __future__ import annotations

from spbe.accounts.access import Policy
from spbe.accounts.models import Role

SERVICE = Policy(
    view=set(Role),
    import_catalogue={Role.PEMDA_ADMIN},
    import_survey={Role.PEMDA_ADMIN},
)
