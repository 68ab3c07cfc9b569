"""Reads of self-assessments: the state of every question, theme progress, what is
missing before a submission, and values shown the way people read them.

One :func:`assessment_state` call loads everything a page needs in a fixed number of
queries (questions with themes and choices, the supplier's sectors, the answers with
their documents, the review comments), whatever the number of questions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    JSONField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from drive.assessments.models import (
    EDITABLE_STATUSES,
    Answer,
    Assessment,
    AssessmentStatus,
    ReviewComment,
)
from drive.evidence.models import Document
from drive.questionnaires.expressions import references, uses_current
from drive.questionnaires.models import Question, QuestionType, Theme, VersionStatus
from drive.questionnaires.selectors import (
    applicable_questions,
    evidence_needed,
    is_red_flag,
    visible_questions,
)

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
TO_CLARIFY = "to_clarify"
THEME_STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETED: gettext_lazy("Completed"),
    TO_CLARIFY: gettext_lazy("To clarify"),
}
YES_NO_LABELS = {
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "partial": gettext_lazy("Partially"),
}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass
class QuestionState:
    question: Question
    answer: Answer | None
    visible: bool
    editable: bool
    comments: list[ReviewComment] = field(default_factory=list)
    # Comments of the latest submission while the assessment is returned: what the
    # supplier has to clarify now.
    open_comments: list[ReviewComment] = field(default_factory=list)
    # Document ids frozen with the latest submission (for a document asked for since).
    frozen_documents: list[int] = field(default_factory=list)

    @property
    def value(self) -> Any:
        return self.answer.value if self.answer else None

    @property
    def revision(self) -> int:
        return self.answer.revision if self.answer else 0

    @property
    def documents(self) -> list[Document]:
        return list(self.answer.documents.all()) if self.answer else []

    @property
    def document_ids(self) -> list[int]:
        return [document.pk for document in self.documents]

    @property
    def answered(self) -> bool:
        if self.question.type == QuestionType.FILE:
            return bool(self.documents)
        return not is_empty(self.value)

    @property
    def document_requested(self) -> bool:
        """The reviewer asked for a document on this answer (in a comment of the latest
        submission, while the assessment is returned)."""
        return any(comment.asks_document for comment in self.open_comments)

    @property
    def needs_evidence(self) -> bool:
        return (
            self.question.type == QuestionType.FILE
            or evidence_needed(self.question, self.value)
            or self.document_requested
        )

    @property
    def may_need_evidence(self) -> bool:
        """Whether evidence can be attached at all (file questions, questions with an
        evidence rule, and any question on which the reviewer asked for a document)."""
        return (
            self.question.type == QuestionType.FILE
            or bool(self.question.evidence_required.strip())
            or self.document_requested
        )

    @property
    def evidence_missing(self) -> bool:
        if self.document_requested:
            # Asked for after the submission: a document added since is what counts.
            latest = max(c.submission_number for c in self.open_comments)
            return not self._documents_added_after(latest)
        return (
            self.question.type != QuestionType.FILE
            and self.answered
            and self.needs_evidence
            and not self.documents
        )

    def _documents_added_after(self, submission_number: int) -> bool:
        # Any document on the answer counts when none was frozen with the submission;
        # otherwise a document not in the submission's snapshot.
        frozen = set(self.frozen_documents)
        return any(document.pk not in frozen for document in self.documents)

    @property
    def unanswered_required(self) -> bool:
        return self.question.required and not self.answered

    @property
    def missing(self) -> bool:
        return self.visible and (self.unanswered_required or self.evidence_missing)

    @property
    def red_flag(self) -> bool:
        return is_red_flag(self.question, self.value)

    @property
    def display(self) -> str:
        return display_value(self.question, self.value)


@dataclass
class ThemeState:
    theme: Theme
    questions: list[QuestionState]  # every applicable question, visible or not

    @property
    def visible(self) -> list[QuestionState]:
        return [state for state in self.questions if state.visible]

    @property
    def progress(self) -> Progress:
        """The theme's share of :attr:`AssessmentState.progress` (the same rule: shown
        applicable questions, answered ones); the themes' figures add up to it."""
        return Progress(self.answered, len(self.visible))

    @property
    def left(self) -> int:
        """Questions shown and not answered yet (required or not)."""
        return len(self.visible) - self.answered

    @property
    def answered(self) -> int:
        return sum(1 for state in self.visible if state.answered)

    @property
    def evidence_missing(self) -> int:
        """Answers that need a document and have none."""
        return sum(1 for state in self.visible if state.evidence_missing)

    @property
    def to_clarify(self) -> int:
        """Questions carrying a reviewer's comment to answer (returned assessment)."""
        return sum(1 for state in self.visible if state.open_comments)

    @property
    def status(self) -> str:
        if self.to_clarify:
            return TO_CLARIFY
        if not self.answered:
            return NOT_STARTED
        blocked = any(state.missing for state in self.visible)
        return IN_PROGRESS if (self.left or blocked) else COMPLETED

    @property
    def is_completed(self) -> bool:
        return self.status == COMPLETED

    @property
    def is_in_progress(self) -> bool:
        return self.status in (IN_PROGRESS, TO_CLARIFY)

    @property
    def status_label(self) -> str:
        return str(THEME_STATUS_LABELS[self.status])


@dataclass(frozen=True)
class Missing:
    """One thing to do before submitting, with where to do it."""

    question: Question
    theme: Theme
    reason: str  # "unanswered" or "evidence"

    @property
    def message(self) -> str:
        if self.reason == "evidence":
            return _("Attach a document for “%(question)s”") % {
                "question": self.question.display_label
            }
        return _("Answer “%(question)s”") % {"question": self.question.display_label}


@dataclass(frozen=True)
class Blocker:
    """One kind of thing that stops a submission, with the questions concerned."""

    reason: str  # "unanswered" or "evidence"
    items: list[Missing]

    @property
    def message(self) -> str:
        count = len(self.items)
        if self.reason == "evidence":
            return ngettext(
                "%(count)s answer needs a document",
                "%(count)s answers need a document",
                count,
            ) % {"count": count}
        return ngettext(
            "%(count)s required question is not answered",
            "%(count)s required questions are not answered",
            count,
        ) % {"count": count}


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    def as_dict(self) -> dict[str, int]:
        return {"answered": self.answered, "total": self.total, "percent": self.percent}

    @property
    def text(self) -> str:
        """The sentence shown beside the bar, in the active language: the page and the
        autosave reply both use it (the script never rewrites digits in a translation)."""
        return _("%(answered)s of %(total)s questions answered (%(percent)s%%)") % {
            "answered": number_format(self.answered, use_l10n=True),
            "total": number_format(self.total, use_l10n=True),
            "percent": self.percent,
        }


@dataclass
class AssessmentState:
    assessment: Assessment
    themes: list[ThemeState]
    by_code: dict[str, QuestionState]

    @property
    def visible(self) -> list[QuestionState]:
        return [state for theme in self.themes for state in theme.visible]

    @property
    def visible_codes(self) -> list[str]:
        return [state.question.code for state in self.visible]

    @property
    def progress(self) -> Progress:
        """The one progress rule (:func:`progress_from`) on the loaded answers."""
        states = list(self.by_code.values())  # in questionnaire order, as conditions need
        return progress_from(
            [state.question for state in states],
            {state.question.code: state.value for state in states if state.answer},
            {state.question.code for state in states if state.documents},
        )

    @property
    def missing(self) -> list[Missing]:
        found = []
        for state in self.visible:
            if state.unanswered_required:
                found.append(Missing(state.question, state.question.theme, "unanswered"))
            elif state.evidence_missing:
                found.append(Missing(state.question, state.question.theme, "evidence"))
        return found

    @property
    def blockers(self) -> list[Blocker]:
        """What stops a submission, grouped by kind, each with its questions (for a
        message that names it and links to them)."""
        unanswered = [m for m in self.missing if m.reason == "unanswered"]
        evidence = [m for m in self.missing if m.reason == "evidence"]
        found = []
        if unanswered:
            found.append(Blocker("unanswered", unanswered))
        if evidence:
            found.append(Blocker("evidence", evidence))
        return found

    @property
    def open_comments(self) -> list[QuestionState]:
        """Questions with a reviewer's comment to answer now (returned assessment)."""
        return [state for state in self.visible if state.open_comments]

    def theme(self, code: str) -> ThemeState | None:
        return next((t for t in self.themes if t.theme.code == code), None)

    def next_theme(self, code: str) -> ThemeState | None:
        codes = [t.theme.code for t in self.themes]
        index = codes.index(code) if code in codes else -1
        return self.themes[index + 1] if 0 <= index < len(codes) - 1 else None


def latest_submission_number(assessment: Assessment) -> int:
    return assessment.submissions.order_by("-number").values_list("number", flat=True).first() or 0


def commented_codes(assessment: Assessment) -> set[str]:
    """Codes of the questions the reviewer commented on in the latest submission: the only
    answers a supplier may change while the assessment is returned for clarification."""
    number = latest_submission_number(assessment)
    return set(
        ReviewComment.objects.filter(assessment=assessment, submission_number=number).values_list(
            "question__code", flat=True
        )
    )


def return_message(assessment: Assessment) -> str:
    """The reviewer's message with the latest return for clarification ("" if none)."""
    from django.contrib.contenttypes.models import ContentType

    from drive.audit.models import AuditEvent

    if assessment.status != AssessmentStatus.RETURNED:
        return ""
    note = (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Assessment),
            target_id=str(assessment.pk),
            action="assessment.returned",
        )
        .order_by("-created_at", "-pk")
        .values_list("note", flat=True)
        .first()
    )
    return note or ""


def answers_of(assessment: Assessment) -> dict[str, Answer]:
    answers = (
        Answer.objects.filter(assessment=assessment)
        .select_related("question", "updated_by")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("title")))
    )
    return {answer.question.code: answer for answer in answers}


def values_of(answers: Mapping[str, Answer]) -> dict[str, Any]:
    return {code: answer.value for code, answer in answers.items()}


def assessment_state(assessment: Assessment) -> AssessmentState:
    """Every applicable question of ``assessment`` with its answer, visibility, whether
    the supplier may change it now, and the reviewer's comments."""
    questions = applicable_questions(assessment.version, assessment.supplier)
    answers = answers_of(assessment)
    visible = {q.code for q in visible_questions(questions, values_of(answers))}
    comments: dict[int, list[ReviewComment]] = {}
    for comment in (
        ReviewComment.objects.filter(assessment=assessment)
        .select_related("author")
        .order_by("created_at", "pk")
    ):
        comments.setdefault(comment.question_id, []).append(comment)
    open_by_question: dict[int, list[ReviewComment]] = {}
    frozen: dict[str, list[int]] = {}
    if assessment.status == AssessmentStatus.RETURNED:
        submission = assessment.submissions.order_by("-number").first()
        latest = submission.number if submission else 0
        frozen = submission.documents if submission else {}
        for qid, cs in comments.items():
            current = [c for c in cs if c.submission_number == latest]
            if current:
                open_by_question[qid] = current
    open_questions = set(open_by_question)
    themes: dict[int, ThemeState] = {}
    by_code: dict[str, QuestionState] = {}
    # A withdrawn company or a closed programme changes nothing, whatever the status.
    closed = assessment.status in EDITABLE_STATUSES and bool(assessment.closed_reason)
    for question in questions:
        if closed:
            editable = False
        elif assessment.status == AssessmentStatus.DRAFT:
            editable = True
        elif assessment.status == AssessmentStatus.RETURNED:
            editable = question.pk in open_questions
        else:
            editable = False
        state = QuestionState(
            question=question,
            answer=answers.get(question.code),
            visible=question.code in visible,
            editable=editable,
            comments=comments.get(question.pk, []),
            open_comments=open_by_question.get(question.pk, []),
            frozen_documents=list(frozen.get(question.code, [])),
        )
        by_code[question.code] = state
        theme_state = themes.get(question.theme_id)
        if theme_state is None:
            theme_state = themes[question.theme_id] = ThemeState(question.theme, [])
        theme_state.questions.append(state)
    ordered = sorted(themes.values(), key=lambda t: (t.theme.order, t.theme.pk))
    return AssessmentState(assessment=assessment, themes=ordered, by_code=by_code)


def display_value(question: Question, value: Any) -> str:
    """An answer as a person reads it, in the active language."""
    if is_empty(value):
        return ""
    kind = question.type
    if kind in (QuestionType.YES_NO, QuestionType.YES_NO_PARTIAL):
        labels = {c.value: c.display_label for c in question.choices.all()}
        return labels.get(value) or str(YES_NO_LABELS.get(value, value))
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        labels = {c.value: c.display_label for c in question.choices.all()}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    if kind == QuestionType.PERCENTAGE:
        return f"{number_format(Decimal(str(value)), use_l10n=True)} %"
    if kind in (QuestionType.INTEGER, QuestionType.DECIMAL):
        return number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
    if kind == QuestionType.DATE:
        try:
            return date_format(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


# --- Lists ------------------------------------------------------------------------------


def visible_assessments(user: Any) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).select_related(
        "enrolment__programme__buyer", "version__questionnaire", "supplier"
    )


def progress_from(
    questions: Iterable[Question], values: Mapping[str, Any], documented: set[str]
) -> Progress:
    """THE progress rule (STYLE.md §8d), the only one: of the questions that apply to the
    supplier (size class and sectors: the caller passes only those), the ones shown by
    their display conditions for these answers, how many are answered (a file question
    by at least one document, any other by a non-empty value)."""
    shown = visible_questions(questions, values)
    answered = sum(
        1
        for q in shown
        if (
            q.code in documented
            if q.type == QuestionType.FILE
            else not is_empty(values.get(q.code))
        )
    )
    return Progress(answered, len(shown))


# The fields of a question the progress rule reads (applicability, display condition, what
# counts as answered): :func:`progress_of` loads the questions with these alone (the texts
# in every language are not read).
PROGRESS_FIELDS = (
    "id",
    "version",
    "code",
    "type",
    "relevant",
    "applies_to_size",
    "applies_to_sector",
)


# An answer's value that is not empty, in SQL (``is_empty``: none, JSON null, "" or []).
HAS_VALUE = Q(value__isnull=False) & ~Q(value=None) & ~Q(value="") & ~Q(value=[])
# An answer that counts as answered: a value or a document attached (``progress_from`` says
# which of the two a question needs; the stored ``Assessment.answered_count`` counts either).
ANSWERED = HAS_VALUE | Q(documents__isnull=False)


def _conditioned_codes(versions: Iterable[list[Question]]) -> set[str]:
    """The codes whose answers a display condition of these questions reads (the codes it
    names, and the question's own when it reads ``.``)."""
    codes: set[str] = set()
    for questions in versions:
        for question in questions:
            if question.relevant.strip():
                codes |= references(question.relevant)
                if uses_current(question.relevant):
                    codes.add(question.code)
    return codes


# The progress fields of a published version's questions, by version pk, kept by this
# process: a published version is frozen (``question_update`` refuses it, the admin shows it
# read-only), so what was read once stays true. A draft's questions are read every time.
_FROZEN_QUESTIONS: dict[int, list[Question]] = {}
_FROZEN_VERSIONS_KEPT = 64


def forget_frozen_questions() -> None:
    """Empty the kept questions (tests: a later test's database may reuse a version's id)."""
    _FROZEN_QUESTIONS.clear()


def _progress_questions(version_ids: set[int]) -> dict[int, list[Question]]:
    """The questions of each version, in order, with the fields the progress rule reads; a
    published version's from this process's copy after its first read."""
    found = {pk: _FROZEN_QUESTIONS[pk] for pk in version_ids if pk in _FROZEN_QUESTIONS}
    unread = version_ids - found.keys()
    if not unread:
        return found
    published = set()
    for question in (
        Question.objects.filter(version_id__in=unread)
        .select_related("version")
        .only(*PROGRESS_FIELDS, "version__status")
        .order_by("version_id", "theme__order", "order")
    ):
        found.setdefault(question.version_id, []).append(question)
        if question.version.status == VersionStatus.PUBLISHED:
            published.add(question.version_id)
    if len(_FROZEN_QUESTIONS) + len(published) > _FROZEN_VERSIONS_KEPT:
        _FROZEN_QUESTIONS.clear()
    for pk in published:
        _FROZEN_QUESTIONS[pk] = found[pk]
    return found


def progress_of(assessments: Iterable[Assessment]) -> dict[int, Progress]:
    """The exact progress of each of ``assessments`` (a page of them), by assessment pk.

    The same figure as the assessment's own page (:attr:`AssessmentState.progress`), for
    every list that shows progress: the supplier's assessments, the programme cohort and
    the API. Bulk, whatever the page size: one query for the questions of the versions
    (none once a published version's were read by this process), one for the answers, and
    one for the suppliers' sectors unless prefetched (plus one for the suppliers if the
    assessments were loaded without them).
    """
    rows = list(assessments)
    if not rows:
        return {}
    from drive.questionnaires.selectors import question_applies
    from drive.suppliers.models import Supplier, SupplierSector

    questions_by_version = _progress_questions({a.version_id for a in rows})

    missing = [a for a in rows if not Assessment.supplier.is_cached(a)]
    if missing:
        suppliers = Supplier.objects.in_bulk({a.supplier_id for a in missing})
        for assessment in missing:
            assessment.supplier = suppliers[assessment.supplier_id]
    sectors: dict[int, list[int]] = {}
    unfetched = set()
    for assessment in rows:
        cache = getattr(assessment.supplier, "_prefetched_objects_cache", {})
        if "sectors" in cache:
            sectors[assessment.supplier_id] = [s.pk for s in cache["sectors"]]
        else:
            unfetched.add(assessment.supplier_id)
    if unfetched:
        for supplier_id in unfetched:
            sectors[supplier_id] = []
        for supplier_id, sector_code in SupplierSector.objects.filter(
            supplier_id__in=unfetched
        ).values_list("supplier_id", "sector_id"):
            sectors[supplier_id].append(sector_code)

    # The values themselves are read only where a display condition reads them (a page of
    # 25 assessments holds ~1,400 answers, each JSON to decode); any other answer needs only
    # whether it is empty (``is_empty``, worked out by the database: HAS_VALUE).
    conditioned = _conditioned_codes(questions_by_version.values())
    values: dict[int, dict[str, Any]] = {}
    with_documents: dict[int, set[str]] = {}
    answers = (
        Answer.objects.filter(assessment__in=[a.pk for a in rows])
        .annotate(
            document_count=Count("documents"),
            has_value=ExpressionWrapper(HAS_VALUE, output_field=BooleanField()),
            shown_value=Case(
                When(question__code__in=conditioned, then=F("value")),
                default=Value(None, output_field=JSONField()),
                output_field=JSONField(),
            ),
        )
        .values_list(
            "assessment_id", "question__code", "shown_value", "has_value", "document_count"
        )
    )
    for assessment_id, code, value, has_value, document_count in answers:
        if code in conditioned:
            values.setdefault(assessment_id, {})[code] = value
        elif has_value:
            values.setdefault(assessment_id, {})[code] = True  # not empty: all that is read
        if document_count:
            with_documents.setdefault(assessment_id, set()).add(code)

    # Which questions apply depends on the version, the size class and the sector set alone:
    # worked out once per distinct (version, size class, sectors) of the page, not per
    # assessment; and an assessment without any answer has the unanswered figure of its
    # applicable questions (the same for every group that ends with the same questions).
    applicable_of: dict[tuple[int, str, frozenset[Any]], list[Question]] = {}
    unanswered: dict[tuple[int, ...], Progress] = {}
    result: dict[int, Progress] = {}
    for assessment in rows:
        size_class = assessment.supplier.size_class or ""
        supplier_sectors = sectors[assessment.supplier_id]
        group = (assessment.version_id, size_class, frozenset(supplier_sectors))
        applicable = applicable_of.get(group)
        if applicable is None:
            applicable = applicable_of[group] = [
                q
                for q in questions_by_version.get(assessment.version_id, [])
                if question_applies(q, size_class=size_class, sectors=supplier_sectors)
            ]
        answered = values.get(assessment.pk)
        documented = with_documents.get(assessment.pk)
        if answered or documented:
            result[assessment.pk] = progress_from(applicable, answered or {}, documented or set())
            continue
        asked = tuple(q.pk for q in applicable)
        if asked not in unanswered:
            unanswered[asked] = progress_from(applicable, {}, set())
        result[assessment.pk] = unanswered[asked]
    return result


def assessments_with_progress(
    assessments: Iterable[Assessment],
) -> list[tuple[Assessment, Progress]]:
    """Each assessment of a page with its progress (:func:`progress_of`)."""
    rows = list(assessments)
    progress = progress_of(rows)
    return [(assessment, progress[assessment.pk]) for assessment in rows]


def supplier_assessments(user: Any) -> QuerySet[Assessment]:
    """The supplier's assessments, nearest deadline first; page them, then give the page to
    :func:`assessments_with_progress`."""
    return (
        visible_assessments(user)
        .prefetch_related("supplier__sectors")
        .order_by("enrolment__programme__assessment_deadline", "-created_at", "-pk")
    )


def prefill_source(assessment: Assessment) -> Assessment | None:
    """The same company's most recently submitted other assessment, if any."""
    supplier = assessment.supplier
    company = (
        Q(supplier__organisation_id=supplier.organisation_id)
        if supplier.organisation_id
        else Q(supplier=supplier)
    )
    return (
        Assessment.objects.filter(company, submissions__isnull=False)
        .exclude(pk=assessment.pk)
        .select_related("enrolment__programme")
        .order_by("-submitted_at", "-pk")
        .distinct()
        .first()
    )


def library_choices(assessment: Assessment) -> QuerySet[Document]:
    """Documents of the company's library that can be attached to this assessment."""
    supplier = assessment.supplier
    if supplier.organisation_id:
        qs = Document.objects.filter(supplier__organisation_id=supplier.organisation_id)
    else:
        qs = Document.objects.filter(supplier=supplier)
    return qs.order_by("title", "pk")


# --- The review -------------------------------------------------------------------------


@dataclass
class ReviewSummary:
    """The top of the manager's review page: what needs a look, with links."""

    red_flags: list[QuestionState]
    evidence_missing: list[QuestionState]
    open_comments: list[QuestionState]  # commented on the submission under review
    changed: list[str]  # question codes changed since the submission before
    previous_number: int
    latest_number: int
    themes: list[tuple[ThemeState, dict[str, int]]]  # each theme with its counts


def review_summary(
    assessment: Assessment, state: AssessmentState, submissions: list[Any]
) -> ReviewSummary:
    """Red flags, answers without their required document, comments on the latest
    submission and the answers changed since the one before (one query at most, none
    before a second submission)."""
    latest = submissions[0] if submissions else None
    previous = submissions[1] if len(submissions) > 1 else None
    changed: list[str] = []
    if latest is not None and previous is not None:
        codes = set(latest.answers) | set(previous.answers)
        codes |= set(latest.documents) | set(previous.documents)
        changed = [
            code
            for code in state.by_code
            if code in codes
            and (
                latest.answers.get(code) != previous.answers.get(code)
                or sorted(latest.documents.get(code, []))
                != sorted(previous.documents.get(code, []))
            )
        ]
    latest_number = latest.number if latest else 0
    commented = [
        s for s in state.visible if any(c.submission_number == latest_number for c in s.comments)
    ]
    themes: list[tuple[ThemeState, dict[str, int]]] = []
    changed_set = set(changed)
    commented_set = {s.question.code for s in commented}
    for theme in state.themes:
        counts = {
            "red_flags": sum(1 for s in theme.visible if s.red_flag),
            "evidence_missing": sum(1 for s in theme.visible if s.evidence_missing),
            "comments": sum(1 for s in theme.visible if s.question.code in commented_set),
            "changed": sum(1 for s in theme.visible if s.question.code in changed_set),
        }
        counts["attention"] = counts["red_flags"] + counts["evidence_missing"] + counts["comments"]
        themes.append((theme, counts))
    return ReviewSummary(
        red_flags=[s for s in state.visible if s.red_flag],
        evidence_missing=[s for s in state.visible if s.evidence_missing],
        open_comments=commented,
        changed=changed,
        previous_number=previous.number if previous else 0,
        latest_number=latest_number,
        themes=themes,
    )
