from __future__ import annotations

import math
from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes in a duration, rounded up (a lock-out of 14.5 minutes reads "15")."""
    if not value:
        return 0
    return math.ceil(value.total_seconds() / 60)


@register.filter
def days_until(value: datetime | None) -> int:
    """Calendar days from today to ``value`` in the site's time zone (0 = today)."""
    if value is None:
        return 0
    return (timezone.localdate(value) - timezone.localdate()).days
