"""Complaints (pengaduan): a public ticket, verification, routing to an agency, answers, deadlines.

A complaint comes in from the web form, the kiosk or a counter and gets a ticket a citizen quotes forever.
The complainant's identity is personal data kept in :class:`~spbe.complaints.models.Complainant`; public
outputs show it masked (:mod:`spbe.complaints.masking`) and never read the raw columns into a response.
"""
