"""Scoring panels that pages of lower apps embed (docs/architecture.md, "Panels"):

- ``{% load scoring_tags %}{% provisional_score assessment %}``: the score and band on the
  assessments app's review page (assessments sits below scoring and never imports it).
  The stored score of the latest submission when there is one, otherwise the figure the
  method gives the answers as they stand, marked "provisional".
"""

from __future__ import annotations

from typing import Any

from django import template

from drive.scoring.selectors import NoScoringMethod, provisional_score_of

register = template.Library()


@register.inclusion_tag("scoring/_provisional.html")
def provisional_score(assessment: Any) -> dict[str, Any]:
    try:
        return {"provisional": provisional_score_of(assessment), "assessment": assessment}
    except NoScoringMethod:
        return {"provisional": None, "assessment": assessment}
