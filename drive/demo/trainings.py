"""The demo's capacity building: the Shanghai workshop of the China pilot, with a plenary
and three parallel training sessions (labour rights and working hours; health and safety;
environment, ethics and PSEA), 70+ participants from the pilot's companies that have an
account (their admins, contributors and colleagues who attend without signing in), one
session full with a waiting list, a past webinar whose attendance was taken, and a
resource library per theme in English and Chinese.

Idempotent like the rest of the demo: an event is matched on its organiser and title, a
participant on their e-mail, a registration on (session, person)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from drive.accounts.models import User
from drive.organisations.models import Organisation, Role
from drive.programmes.models import Programme
from drive.trainings.models import Event, Registration, RegistrationStatus, Resource, Session
from drive.trainings.services import event_create, event_publish, session_save

WORKSHOP = "Shanghai capacity-building workshop 2026"
WEBINAR = "Introduction to the China pilot (webinar)"
HOSTS = (
    "UN Procurement Agency (demo), China Enterprise Confederation, UN Global Compact Network China"
)
# (track, title, room, speakers, themes, capacity)
PARALLEL = (
    (
        "Track A",
        "Labour rights and working hours",
        "Hall A",
        "Chen Jing 陈静 (ILO Beijing)\nMark Evans (UN Procurement Agency)",
        ["labour", "human_rights", "equal_opportunity"],
        30,
    ),
    (
        "Track B",
        "Occupational health and safety",
        "Hall B",
        "Dr. Zhao Lei 赵磊 (Shanghai OSH Institute)",
        ["health_safety"],
        25,
    ),
    (
        "Track C",
        "Environment, ethics and prevention of sexual exploitation and abuse",
        "Room 301",
        "Sofia Lindqvist (UN Global Compact)\nWu Hong 吴红 (PSEA focal point)",
        ["environment", "ethics", "sea"],
        18,
    ),
)
# Colleagues attending per company (no sign-in: unusable passwords).
PARTICIPANTS_PER_COMPANY = 22
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛")
RESOURCES = (
    (
        "labour",
        "guide",
        "en",
        "UN Supplier Code of Conduct",
        "https://www.un.org/Depts/ptd/about-us/un-supplier-code-conduct",
    ),
    (
        "labour",
        "guide",
        "zh-hans",
        "联合国供应商行为守则",
        "https://www.un.org/zh/about-us/procurement",
    ),
    (
        "labour",
        "template",
        "en",
        "Working-hours record template",
        "https://www.ilo.org/topics/working-time-and-work-organization",
    ),
    (
        "health_safety",
        "guide",
        "en",
        "ILO guidelines on OSH management systems (ILO-OSH 2001)",
        "https://www.ilo.org/publications/guidelines-occupational-safety-and-health-management-systems",
    ),
    (
        "health_safety",
        "video",
        "zh-hans",
        "工厂消防安全培训视频",
        "https://www.ilo.org/zh/topics/safety-and-health-work",
    ),
    (
        "environment",
        "guide",
        "en",
        "UN Global Compact: environment principles",
        "https://unglobalcompact.org/what-is-gc/mission/principles",
    ),
    ("environment", "guide", "zh-hans", "企业环境管理入门", "https://www.unep.org/zh-hans"),
    (
        "ethics",
        "template",
        "en",
        "Anti-corruption policy template",
        "https://www.unodc.org/unodc/en/corruption/index.html",
    ),
    (
        "ethics",
        "guide",
        "zh-hans",
        "反腐败合规指南",
        "https://www.unodc.org/unodc/zh/corruption/index.html",
    ),
    (
        "sea",
        "video",
        "en",
        "PSEA: what suppliers must know",
        "https://psea.interagencystandingcommittee.org/",
    ),
    (
        "sea",
        "guide",
        "zh-hans",
        "预防性剥削和性虐待 (PSEA) 供应商指南",
        "https://www.un.org/preventing-sexual-exploitation-and-abuse/",
    ),
    (
        "equal_opportunity",
        "guide",
        "en",
        "Women's Empowerment Principles",
        "https://www.weps.org/about",
    ),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _participants(companies: list[Organisation]) -> list[User]:
    """The people who attend: each company's demo accounts and colleagues without sign-in."""
    people: list[User] = []
    for n, company in enumerate(companies):
        people.extend(User.objects.filter(organisation=company, is_active=True).order_by("pk"))
        domain = company.name.split()[0].lower()
        for i in range(PARTICIPANTS_PER_COMPANY):
            email = f"participant{i + 1}@{domain}.training.example.cn"
            name = SURNAMES[(i + n * 7) % len(SURNAMES)] + GIVEN[(i * 3 + n) % len(GIVEN)]
            person = User.objects.filter(email=email).first()
            if person is None:
                person = User.objects.create_user(
                    email,
                    None,  # cannot sign in: registered by their company's admin
                    full_name=name,
                    organisation=company,
                    role=Role.CONTRIBUTOR,
                    language="zh-hans",
                )
            people.append(person)
    return people


def _register(sessions: list[Session], people: list[User], admin_by: dict[int, User]) -> None:
    """Places first come first served: beyond a session's capacity, the waiting list."""
    existing = set(
        Registration.objects.filter(session__in=sessions).values_list("session_id", "person_id")
    )
    rows = []
    for i, person in enumerate(people):
        session = sessions[i % len(sessions)]
        if (session.pk, person.pk) in existing:
            continue
        taken = (
            sum(1 for r in rows if r.session_id == session.pk)
            + session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        )
        rows.append(
            Registration(
                session=session,
                person=person,
                company_id=person.organisation_id,
                registered_by=admin_by.get(person.organisation_id, person),
                status=(
                    RegistrationStatus.CONFIRMED
                    if taken < session.capacity
                    else RegistrationStatus.WAITLISTED
                ),
            )
        )
    Registration.objects.bulk_create(rows)


def demo_trainings(
    *, buyer: Organisation, manager: User, programme: Programme, today: date
) -> Event:
    """The workshop (upcoming), the webinar (past, attendance taken) and the library."""
    companies = list(
        Organisation.objects.filter(supplier_profiles__enrolments__programme=programme)
        .distinct()
        .order_by("pk")
    )
    admin_by = {
        u.organisation_id: u
        for u in User.objects.filter(organisation__in=companies, role=Role.SUPPLIER_ADMIN)
    }
    people = _participants(companies)

    workshop = Event.objects.filter(organiser=buyer, title=WORKSHOP).first()
    day = today + timedelta(days=12)
    if workshop is None:
        workshop = event_create(
            organiser=buyer,
            by=manager,
            data={
                "title": WORKSHOP,
                "description": (
                    "A day of training for the suppliers of the China pilot, with a focus on "
                    "SMEs and women-owned businesses: a plenary on the UN Supplier Code of "
                    "Conduct, then three parallel sessions on the themes where the pilot's "
                    "self-assessments found the most room for improvement."
                ),
                "starts_on": day,
                "ends_on": day,
                "venue": "Shanghai International Convention Centre, 2727 Binjiang Avenue, Pudong",
                "online_url": "",
                "hosts": HOSTS,
                "capacity": 80,
                "language": "zh-hans",
                "attendance_certificates": True,
                "programmes": [programme],
            },
        )
        session_save(
            event=workshop,
            by=manager,
            data={
                "title": "Plenary: the UN Supplier Code of Conduct and the DRiVE cycle",
                "track": "Plenary",
                "room": "Main hall",
                "speakers": "Mark Evans (UN Procurement Agency)",
                "starts_at": _at(day, 9, 0),
                "ends_at": _at(day, 10, 0),
                "themes": ["human_rights"],
                "capacity": 80,
            },
        )
        for track, title, room, speakers, themes, capacity in PARALLEL:
            session_save(
                event=workshop,
                by=manager,
                data={
                    "title": title,
                    "track": track,
                    "room": room,
                    "speakers": speakers,
                    "starts_at": _at(day, 10, 30),
                    "ends_at": _at(day, 12, 30),
                    "themes": themes,
                    "capacity": capacity,
                },
            )
        event_publish(event=workshop, by=manager)
    sessions = list(workshop.sessions.order_by("starts_at", "track"))
    _register(sessions[:1], people, admin_by)
    _register(sessions[1:], people, admin_by)

    webinar = Event.objects.filter(organiser=buyer, title=WEBINAR).first()
    if webinar is None:
        past = today - timedelta(days=20)
        webinar = Event.objects.create(
            organiser=buyer,
            title=WEBINAR,
            description="How the pilot works: self-assessment, feedback, inspections.",
            starts_on=past,
            ends_on=past,
            online_url="https://meeting.example.org/china-pilot-intro",
            hosts="UN Procurement Agency (demo)",
            language="zh-hans",
            status="published",
            attendance_certificates=True,
            created_by=manager,
        )
        webinar.programmes.set([programme])
        session = Session.objects.create(
            event=webinar,
            title="Introduction to the China pilot",
            starts_at=_at(past, 14),
            ends_at=_at(past, 15),
            themes=["profile"],
            capacity=100,
        )
        _register([session], people[: len(people) // 2], admin_by)
        rows = list(session.registrations.order_by("pk"))
        for i, registration in enumerate(rows):
            registration.attended = i % 5 != 0  # four in five came
        Registration.objects.bulk_update(rows, ["attended"])

    for theme, kind, language, title, url in RESOURCES:
        Resource.objects.get_or_create(
            owner=buyer,
            title=title,
            defaults={
                "theme": theme,
                "kind": kind,
                "language": language,
                "url": url,
                "created_by": manager,
            },
        )
    return workshop
