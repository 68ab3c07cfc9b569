from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from drive.core.i18n import local_or_legal
from drive.core.scoping import ScopedQuerySet
from drive.organisations.models import Organisation


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


# The list's sort keys that are expressions (drive/suppliers/filters.py SORTS). The indexes
# below are built on these very expressions, so PostgreSQL reads a page sorted by size or
# headcount in order from an index instead of sorting the registry: an expression index is
# used only when the query's expression is the same.
SIZE_RANKS = {SizeClass.MICRO: 1, SizeClass.SMALL: 2, SizeClass.MEDIUM: 3, SizeClass.LARGE: 4}
UNKNOWN_SIZE_RANK = 5
SIZE_RANK = models.Case(
    *(models.When(size_class=size, then=models.Value(rank)) for size, rank in SIZE_RANKS.items()),
    default=models.Value(UNKNOWN_SIZE_RANK),
    output_field=models.IntegerField(),
)
# Unknown headcounts go last in both directions.
EMPLOYEES_ASCENDING = Coalesce(
    "employees", models.Value(2**31 - 1), output_field=models.IntegerField()
)
EMPLOYEES_DESCENDING = Coalesce("employees", models.Value(-1), output_field=models.IntegerField())


class Sector(models.Model):
    """A UNSPSC segment (2-digit level), shipped as reference data."""

    code = models.PositiveSmallIntegerField(_("code"), primary_key=True)
    title_en = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=200, blank=True)
    goods_or_services = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def segment_code(self) -> str:
        return f"{self.code}000000"

    @property
    def title(self) -> str:
        if (translation.get_language() or "").startswith("zh") and self.title_zh:
            return self.title_zh
        return self.title_en


class SupplierQuerySet(ScopedQuerySet):
    """``visible_to(user)`` (STYLE.md §7): buyer staff see their organisation's registry;
    supplier users see the profiles their company holds; inspection bodies see none yet
    (later: suppliers of inspections assigned to them). Platform admins use the admin."""

    def for_buyer(self, org, user) -> SupplierQuerySet:
        return self.filter(buyer=org)

    def for_supplier(self, org, user) -> SupplierQuerySet:
        return self.filter(organisation=org)


class SectorSynonym(models.Model):
    """A word people write for a sector ("apparel", "服装") → its UNSPSC segment.

    Shipped from ``data/sector_synonyms.csv`` (migration) and editable in the admin;
    imports read free-text sectors through it (``drive.suppliers.matching``)."""

    text = models.CharField(_("text"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.CASCADE, related_name="synonyms"
    )

    class Meta:
        verbose_name = _("sector synonym")
        verbose_name_plural = _("sector synonyms")
        ordering = ["sector_id", "text"]

    def __str__(self) -> str:
        return f"{self.text} → {self.sector_id}"


def _sort_index(name: str, key, *, descending: bool = False) -> models.Index:
    """(buyer, key [DESC], lower(legal_name), id): a list sort read in order from its index."""
    key = key if isinstance(key, models.Expression) else models.F(key)
    return models.Index(
        models.F("buyer"),
        key.desc() if descending else key,
        Lower("legal_name"),
        models.F("id"),
        name=name,
    )


SORT_INDEXES = (
    _sort_index("supplier_buyer_country_d_idx", "country", descending=True),
    _sort_index("supplier_buyer_sizerank_idx", SIZE_RANK),
    _sort_index("supplier_buyer_sizerank_d_idx", SIZE_RANK, descending=True),
    _sort_index("supplier_buyer_employees_idx", EMPLOYEES_ASCENDING),
    _sort_index("supplier_buyer_employees_d_idx", EMPLOYEES_DESCENDING, descending=True),
)


class Supplier(models.Model):
    """A company in a buyer's supplier registry (PRODUCT.md §2)."""

    buyer = models.ForeignKey(
        Organisation,
        verbose_name=_("registry of"),
        on_delete=models.PROTECT,
        related_name="registry",
        limit_choices_to={"kind": "buyer"},
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("supplier account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supplier_profiles",
        limit_choices_to={"kind": "supplier"},
    )
    legal_name = models.CharField(_("legal name"), max_length=255)
    local_name = models.CharField(_("name in local script"), max_length=255, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    ungm_vendor_number = models.CharField(_("UNGM vendor number"), max_length=32, blank=True)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Sector words of an imported list that no synonym maps to a UNSPSC segment, kept as
    # written (drive/imports); the buyer can pick the segments later.
    sector_text = models.CharField(_("sector as written"), max_length=500, blank=True)
    # matching.name_key(legal_name), set by the services and the import: how a supplier
    # without identifiers is recognised in its country (indexed with buyer and country).
    match_key = models.CharField(max_length=255, blank=True, editable=False)
    sectors = models.ManyToManyField(
        Sector, through="SupplierSector", verbose_name=_("sectors"), blank=True
    )
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    annual_turnover_usd = models.DecimalField(
        _("annual turnover (USD)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass.choices, blank=True
    )
    women_owned = models.BooleanField(_("women-owned business"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["legal_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "ungm_vendor_number"],
                condition=~models.Q(ungm_vendor_number=""),
                name="supplier_unique_ungm_per_registry",
            ),
            models.UniqueConstraint(
                fields=["buyer", "country", "registration_number"],
                condition=~models.Q(registration_number=""),
                name="supplier_unique_regno_per_registry",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "legal_name"], name="supplier_buyer_name_idx"),
            # Each list sort (drive/suppliers/filters.py SORTS) in full, ending with id, so a
            # page is read in order from the index (keyset pages, drive/core/keyset.py). By
            # name, ignoring case:
            models.Index(
                models.F("buyer"),
                Lower("legal_name"),
                models.F("id"),
                name="supplier_buyer_lname_idx",
            ),
            models.Index(
                models.F("buyer"),
                models.F("country"),
                Lower("legal_name"),
                models.F("id"),
                name="supplier_buyer_country_idx",
            ),
            models.Index(
                fields=["buyer", "country", "match_key"], name="supplier_buyer_matchkey_idx"
            ),
            models.Index(fields=["buyer", "size_class"], name="supplier_buyer_size_idx"),
            models.Index(fields=["buyer", "-updated_at", "-id"], name="supplier_buyer_updated_idx"),
            # The sorts by an expression, and those that mix directions (migration 0008).
            *SORT_INDEXES,
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def display_name(self) -> str:
        """The company's name for the reader: its name in local script for readers of that
        script's language (Chinese readers see 明亮纺织有限公司), else its legal name."""
        return local_or_legal(self.legal_name, self.local_name)


class SupplierSector(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "sector"], name="supplier_sector_unique")
        ]
        indexes = [models.Index(fields=["sector", "supplier"], name="sector_supplier_idx")]

    def __str__(self) -> str:
        return f"{self.supplier_id} · {self.sector_id}"


class LongTermAgreement(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="agreements")
    number = models.CharField(_("agreement number"), max_length=64)
    agency = models.CharField(_("buyer agency"), max_length=120)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("long-term agreement")
        verbose_name_plural = _("long-term agreements")
        ordering = ["-end_date", "number"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class CertificationStandard(models.TextChoices):
    ISO_9001 = "ISO 9001", "ISO 9001"
    ISO_14001 = "ISO 14001", "ISO 14001"
    ISO_45001 = "ISO 45001", "ISO 45001"
    ISO_50001 = "ISO 50001", "ISO 50001"
    SA8000 = "SA8000", "SA8000"
    SMETA = "SMETA", "SMETA"
    AMFORI_BSCI = "amfori BSCI", "amfori BSCI"
    RBA_VAP = "RBA VAP", "RBA VAP"
    OTHER = "other", _("Other")


class Certification(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="certifications")
    standard = models.CharField(_("standard"), max_length=30, choices=CertificationStandard.choices)
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["standard", "-valid_until"]

    def __str__(self) -> str:
        return f"{self.standard} {self.number}".strip()

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class Contact(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name
