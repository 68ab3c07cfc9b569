"""Organisation scoping, once (STYLE.md §7): ``Model.objects.visible_to(user)``.

The preamble every model shared — nobody signed in, or a user without an organisation,
sees nothing — lives in :class:`ScopedQuerySet`. A model's queryset declares only what
differs: what each kind of organisation sees, as a method ``for_<kind>(organisation,
user)`` named after ``Organisation.kind`` (``for_buyer``, ``for_supplier``,
``for_inspection_body``); a kind without a method sees nothing. A queryset whose rule does
not depend on the kind overrides :meth:`ScopedQuerySet.for_member` instead.

core imports no app: the organisation's kind is read as data (``organisation.kind``).
"""

from __future__ import annotations

from typing import Any, Self

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The rows ``user``'s organisation may see; none for anyone else."""
        organisation = getattr(user, "organisation", None)
        if not getattr(user, "is_authenticated", False) or organisation is None:
            return self.none()
        return self.for_member(organisation, user)

    def for_member(self, organisation: Any, user: Any) -> Self:
        """What a member of ``organisation`` sees: by default ``for_<kind>``, else nothing."""
        scope = getattr(self, f"for_{organisation.kind}", None)
        return scope(organisation, user) if scope is not None else self.none()
