"""The certificate list's filters (API): by programme, supplier and computed status."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drive.certificates.models import CertificateStatus
from drive.core.filters import IdFilter, LowerChoiceFilter


class CertificateFilter(django_filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("Programme"))
    supplier = IdFilter(field_name="supplier_id", label=_("Supplier"))
    status = LowerChoiceFilter(
        label=_("Status"), choices=CertificateStatus.choices, method="filter_status"
    )

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == CertificateStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, valid_until__lt=today)
        return queryset.filter(Q(revoked_at__isnull=True) & Q(valid_until__gte=today))
