"""The demo world loaded by ``manage.py load_demo`` (and so by ``make run``).

Everything is found or created by its natural key (organisation name and kind, e-mail
address, UNGM vendor number, agreement and certificate numbers), so loading twice
changes nothing. Dates are set relative to the day of the first load and are not
touched afterwards. The one password is for demonstrations only. The data it loads is
in ``data.py``.
"""

from __future__ import annotations

from base64 import b32encode
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from drive.accounts.models import User
from drive.demo.actions import demo_actions
from drive.demo.certificates import demo_certificates
from drive.demo.cohort import demo_cohort
from drive.demo.data import (
    AGENCY_CODE,
    BUYER_NAME,
    CERT_ISSUERS,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    INSPECTION_BODY_NAME,
    STAFF,
    SUPPLIERS,
    DemoSupplier,
    uscc,
)
from drive.demo.inspections import demo_inspections
from drive.demo.trainings import demo_trainings
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.suppliers.models import (
    Certification,
    Contact,
    LongTermAgreement,
    Sector,
    Supplier,
    SupplierSector,
)
from drive.suppliers.sizing import size_class_for


def _organisation(name: str, kind: str, country: str, local: str = "") -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, kind=kind, defaults={"country": country, "name_local": local}
    )
    return organisation


def _user(email: str, name: str, organisation: Organisation, role: str, language: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            full_name=name,
            organisation=organisation,
            role=role,
            language=language,
        )
    return user


def _supplier(buyer: Organisation, spec: DemoSupplier, today: date) -> Supplier:
    turnover = Decimal(spec.turnover_usd)
    supplier, _ = Supplier.objects.get_or_create(
        buyer=buyer,
        ungm_vendor_number=spec.ungm,
        defaults={
            "legal_name": spec.legal_name,
            "local_name": spec.local_name,
            "registration_number": spec.registration_number,
            "country": spec.country,
            "city": spec.city,
            "address": spec.address,
            "website": spec.website,
            "employees": spec.employees,
            "annual_turnover_usd": turnover,
            "size_class": size_class_for(spec.employees, turnover),
            "women_owned": spec.women_owned,
        },
    )
    for code in spec.sectors:
        SupplierSector.objects.get_or_create(supplier=supplier, sector=Sector.objects.get(pk=code))
    if spec.lta_value_usd:
        LongTermAgreement.objects.get_or_create(
            supplier=supplier,
            number=f"LTA/{AGENCY_CODE}/2025/{spec.ungm}",
            defaults={
                "agency": AGENCY_CODE,
                "value": Decimal(spec.lta_value_usd),
                "currency": "USD",
                "start_date": today - timedelta(days=300),
                "end_date": today + timedelta(days=795),
            },
        )
    standards = [
        (s, today + timedelta(days=400 + 90 * i)) for i, s in enumerate(spec.certifications)
    ]
    if spec.expired_certification:
        standards.append((spec.expired_certification, today - timedelta(days=45)))
    for index, (standard, valid_until) in enumerate(standards, start=1):
        Certification.objects.get_or_create(
            supplier=supplier,
            number=f"{spec.ungm}-{index:02d}",
            defaults={
                "standard": standard,
                "issuer": CERT_ISSUERS[standard],
                "valid_until": valid_until,
            },
        )
    name, position, email, phone = spec.contact
    if name:
        Contact.objects.get_or_create(
            supplier=supplier,
            email=email,
            defaults={"name": name, "position": position, "phone": phone, "is_primary": True},
        )
    return supplier


def demo_totp_secret() -> str:
    """The demo authenticator key as people type it into an app (base32, in groups of 4)."""
    secret = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def demo_totp_code() -> str:
    """The code an app with the demo key shows now."""
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY))
    return f"{totp.token():06d}"


@transaction.atomic
def demo_load() -> list[tuple[str, str, str]]:
    """Create the demo world if missing; return the sign-ins as (email, password, role).

    Idempotent: objects are matched on natural keys and existing ones are left as
    they are (an edited demo keeps its edits). The registry is seed data written without
    audit events; the programme "China pilot 2026" and its cohort are then built through
    the services (see ``drive.demo.cohort``), so their history is on record.
    """
    today = timezone.localdate()
    buyer = _organisation(BUYER_NAME, OrganisationKind.BUYER, "DK")
    body = _organisation(
        INSPECTION_BODY_NAME, OrganisationKind.INSPECTION_BODY, "CN", "华夏检验认证"
    )
    organisations = {"buyer": buyer, "body": body}
    sign_ins: list[tuple[str, str, str]] = []
    for email, name, role, org_key, language in STAFF:
        organisation = organisations[org_key]
        staff = _user(email, name, organisation, role, language)
        TOTPDevice.objects.get_or_create(
            user=staff, name="Demo authenticator", defaults={"key": DEMO_TOTP_KEY}
        )
        sign_ins.append((email, DEMO_PASSWORD, f"{Role(role).label}, {organisation.name}"))

    for spec in SUPPLIERS:
        supplier = _supplier(buyer, spec, today)
        if spec.admin is None:
            continue
        account = _organisation(
            spec.legal_name, OrganisationKind.SUPPLIER, spec.country, spec.local_name
        )
        if supplier.organisation_id is None:
            Supplier.objects.filter(pk=supplier.pk).update(organisation=account)
        people = [(spec.admin, Role.SUPPLIER_ADMIN), (spec.contributor, Role.CONTRIBUTOR)]
        for spec_person, role in people:
            if spec_person is None:
                continue
            email, name, language = spec_person
            _user(email, name, account, role, language)
            sign_ins.append((email, DEMO_PASSWORD, f"{role.label}, {spec.legal_name}"))

    manager = User.objects.get(email=STAFF[0][0])
    cohort = demo_cohort(buyer=buyer, manager=manager, today=today)
    demo_inspections(buyer=buyer, body=body, manager=manager, today=today)
    demo_certificates(buyer=buyer, manager=manager, today=today)
    demo_trainings(buyer=buyer, manager=manager, programme=cohort.programme, today=today)
    demo_actions(buyer=buyer, manager=manager, today=today)
    return sign_ins


__all__ = [
    "AGENCY_CODE",
    "BUYER_NAME",
    "DEMO_PASSWORD",
    "DEMO_TOTP_KEY",
    "INSPECTION_BODY_NAME",
    "demo_load",
    "demo_totp_code",
    "demo_totp_secret",
    "uscc",
]
