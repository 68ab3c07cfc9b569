"""Named permission predicates for questionnaires (STYLE.md §8).

Scope is ``selectors.version_visible_to(user)`` / ``questionnaire_visible_to(user)``;
these predicates decide what a user may do with what they can see.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member
from drive.organisations.models import Role

QUESTIONNAIRE_EDITOR_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_view_questionnaires(user: Any) -> bool:
    """Browse questionnaires and preview versions: every member of a buyer organisation."""
    return is_buyer_member(user)


def can_import_questionnaire(user: Any) -> bool:
    """Upload an XLSForm as the organisation's own questionnaire."""
    return is_buyer_member(user) and user.role in QUESTIONNAIRE_EDITOR_ROLES


def can_edit_version(user: Any, version: Any) -> bool:
    """Publish, start a new draft of, or edit a version of the organisation's own
    questionnaires. Questionnaires shipped with DRiVE change only through the admin
    and ``load_default_questionnaire``."""
    return (
        can_import_questionnaire(user)
        and version.questionnaire.owner_id is not None
        and version.questionnaire.owner_id == user.organisation_id
    )
