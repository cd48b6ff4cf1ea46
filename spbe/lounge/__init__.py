"""The public-service lounge: service standards (UU 25/2009), the satisfaction survey and its index (IKM).

design.md calls this module ``services``; it is ``lounge`` here because every app already has a
``services.py`` (its write functions), and ``spbe.services.services`` would read badly. Later slices add
the kiosk, queues, complaints and event services to this app.
"""
