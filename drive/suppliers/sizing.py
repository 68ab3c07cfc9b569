"""Size class derived from headcount and annual turnover.

Thresholds follow European Commission Recommendation 2003/361/EC (the SME
definition also used by the World Bank/IFC MSME bands for headcount):

=========  ===============  ==========================
class      employees        annual turnover (USD)
=========  ===============  ==========================
micro      fewer than 10    at most 2 million
small      fewer than 50    at most 10 million
medium     fewer than 250   at most 50 million
large      250 or more      more than 50 million
=========  ===============  ==========================

The Recommendation sets turnover in euros; DRiVE records turnover in US
dollars and applies the same figures at parity, a simplification documented in
the README. A company is placed in the smallest class whose headcount *and*
turnover ceilings it meets; a missing figure does not constrain the class, and
with neither figure the class is left blank ("unknown").
"""

from __future__ import annotations

from decimal import Decimal

from drive.suppliers.models import SizeClass

THRESHOLDS: tuple[tuple[str, int, Decimal], ...] = (
    (SizeClass.MICRO, 10, Decimal("2000000")),
    (SizeClass.SMALL, 50, Decimal("10000000")),
    (SizeClass.MEDIUM, 250, Decimal("50000000")),
)


def size_class_for(employees: int | None, turnover_usd: Decimal | None) -> str:
    if employees is None and turnover_usd is None:
        return ""
    for size, max_staff, max_turnover in THRESHOLDS:
        staff_ok = employees is None or employees < max_staff
        turnover_ok = turnover_usd is None or turnover_usd <= max_turnover
        if staff_ok and turnover_ok:
            return size
    return SizeClass.LARGE


def size_class_hint() -> str:
    """The thresholds in words, in the active language, for forms and the profile page."""
    from django.utils.translation import gettext as _

    micro, small, medium = (
        (staff, f"{int(turnover / 1_000_000)}") for _size, staff, turnover in THRESHOLDS
    )
    return _(
        "Micro: fewer than %(micro_staff)s employees and turnover up to USD %(micro_m)s "
        "million; small: fewer than %(small_staff)s and up to USD %(small_m)s million; "
        "medium: fewer than %(medium_staff)s and up to USD %(medium_m)s million; large: "
        "anything bigger (European Commission Recommendation 2003/361/EC)."
    ) % {
        "micro_staff": micro[0],
        "micro_m": micro[1],
        "small_staff": small[0],
        "small_m": small[1],
        "medium_staff": medium[0],
        "medium_m": medium[1],
    }
