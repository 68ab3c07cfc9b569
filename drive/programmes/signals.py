"""Synchronous hooks the programmes app offers the apps above it (docs/architecture.md,
"Reactions"). Programmes never imports those apps: they connect their receivers in their
``AppConfig.ready``.

Use a hook only for work that must happen in the same transaction (a row without which the
new enrolment is incomplete); reactions that may follow the commit (e-mails, webhooks,
rescoring) subscribe to domain events instead.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the transaction that inserts new enrolments, with ``programme`` and
#: ``enrolments`` (saved rows). A receiver that raises rolls the enrolments back. The
#: assessments app creates each enrolment's draft assessment here and sets
#: ``enrolment.assessment`` on the objects it was given.
enrolments_created = Signal()
