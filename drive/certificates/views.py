"""Certificate pages. Thin: scope with visible_to, check a predicate, call a selector or a
service, render. The verification pages are public (no sign-in, rate limited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drive.certificates import selectors, services
from drive.certificates.forms import PolicyForm, RevokeForm, VerifyForm
from drive.certificates.models import Certificate, CertificateStatus
from drive.certificates.permissions import (
    can_issue_certificates,
    can_revoke_certificate,
    can_view_certificate,
    can_view_completion,
    can_view_own_certificates,
)
from drive.certificates.tasks import verification_url
from drive.certificates.throttle import verify_allowed
from drive.core.errors import DomainError
from drive.core.http import forbidden
from drive.core.params import parse_id, parse_ids
from drive.programmes.models import Enrolment, Programme

PAGE_SIZE = 50
SHOW_CHOICES = ("qualify", "missing", "certified")


def _programme_or_404(user: Any, pk: int) -> Programme:
    programme = Programme.objects.visible_to(user).select_related("buyer").filter(pk=pk).first()
    if programme is None:
        raise Http404(_("No such programme."))
    return programme


def _certificate_or_404(user: Any, pk: int) -> Certificate:
    certificate = selectors.certificate_for(user, pk)
    if certificate is None:
        raise Http404(_("No such certificate."))
    return certificate


def _managers_only(request: HttpRequest) -> HttpResponse:
    return forbidden(
        request, _("Only programme managers and organisation admins of the buyer can do this.")
    )


@login_required
@require_GET
def completion(request: HttpRequest, pk: int) -> HttpResponse:
    """Per supplier: which completion criteria are met and which missing, its certificate,
    and issuing one by one or to all who qualify."""
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_view_completion(user, programme):
        return forbidden(request, _("Only the buyer's staff see the programme's completion."))
    show = request.GET.get("show", "")
    show = show if show in SHOW_CHOICES else ""
    after = parse_id(request.GET.get("after", "")) or 0
    policy = selectors.policy_for(programme)
    everyone = selectors.completion_for(programme, policy=policy)
    counts = {
        "qualify": sum(done.qualifies for done in everyone.values()),
        "certified": sum(done.certificate is not None for done in everyone.values()),
        "missing": sum(bool(done.missing) and not done.withdrawn for done in everyone.values()),
    }
    wanted = {
        "": lambda d: True,
        "qualify": lambda d: d.qualifies,
        "missing": lambda d: bool(d.missing) and not d.withdrawn,
        "certified": lambda d: d.certificate is not None,
    }[show]
    ids = sorted(pk for pk, done in everyone.items() if pk > after and wanted(done))
    page_ids = ids[:PAGE_SIZE]
    enrolments = Enrolment.objects.filter(pk__in=page_ids).select_related("supplier").order_by("pk")
    rows = [{"enrolment": e, "done": everyone[e.pk]} for e in enrolments]
    return render(
        request,
        "certificates/completion.html",
        {
            "programme": programme,
            "policy": policy,
            "rows": rows,
            "counts": counts,
            "show": show,
            "next_after": page_ids[-1] if len(ids) > PAGE_SIZE else None,
            "after": after,
            "pdfs": selectors.pdf_counts(programme),
            "can_issue": can_issue_certificates(user, programme),
        },
    )


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue to one enrolment (``enrolment``), to the ticked ones (``enrolments``: only
    those who qualify), or to all who qualify (``all``)."""
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_issue_certificates(user, programme):
        return _managers_only(request)
    back = redirect("certificates:completion", pk=programme.pk)
    single = parse_id(request.POST.get("enrolment", ""))
    if single is not None:
        enrolment = Enrolment.objects.filter(programme=programme, pk=single).first()
        if enrolment is None:
            raise Http404(_("No such enrolment."))
        try:
            certificate = services.certificate_issue(enrolment=enrolment, by=user)
        except DomainError as error:
            messages.error(request, error.message)
            return back
        messages.success(
            request,
            _("Certificate %(number)s issued to %(name)s. Its PDF is being prepared.")
            % {"number": certificate.number, "name": certificate.supplier_name},
        )
        return back
    chosen = None
    if not request.POST.get("all"):
        chosen = Enrolment.objects.filter(
            programme=programme, pk__in=parse_ids(request.POST.getlist("enrolments"))
        )
        if not chosen.exists():
            messages.error(
                request, _("Select the suppliers to certify, or certify all who qualify.")
            )
            return back
    result = services.certificate_issue_many(programme=programme, enrolments=chosen, by=user)
    text = ngettext(
        "%(count)s certificate issued; the PDFs are being prepared.",
        "%(count)s certificates issued; the PDFs are being prepared.",
        len(result.issued),
    ) % {"count": len(result.issued)}
    if result.skipped:
        text += " " + ngettext(
            "%(count)s supplier was left out: it does not qualify.",
            "%(count)s suppliers were left out: they do not qualify.",
            result.skipped,
        ) % {"count": result.skipped}
    (messages.success if result.issued else messages.warning)(request, text)
    return back


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    programme = _programme_or_404(user, pk)
    if not can_issue_certificates(user, programme):
        return _managers_only(request)
    current = selectors.policy_for(programme)
    form = PolicyForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.completion_policy_save(programme=programme, data=form.cleaned_data, by=user)
        messages.success(request, _("The completion criteria were saved."))
        return redirect("certificates:completion", pk=programme.pk)
    return render(request, "certificates/policy.html", {"programme": programme, "form": form})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    certificate = _certificate_or_404(user, pk)
    if not can_view_certificate(user, certificate):
        return forbidden(request, _("Only the buyer's staff and the supplier see this."))
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "verify_url": verification_url(certificate),
            "can_revoke": can_revoke_certificate(user, certificate) and not certificate.is_revoked,
            "renewals": list(certificate.renewals.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    certificate = _certificate_or_404(user, pk)
    if not can_revoke_certificate(user, certificate):
        return _managers_only(request)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, reason=form.cleaned_data["reason"], by=user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Certificate %(number)s was revoked.") % {"number": certificate.number}
            )
            return redirect("certificates:detail", pk=certificate.pk)
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    certificate = _certificate_or_404(user, pk)
    if not can_view_certificate(user, certificate) or not certificate.pdf_ready:
        raise Http404(_("This PDF is not ready."))
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer available.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{certificate.number}.pdf",
    )


@login_required
@require_POST
def pdf_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    certificate = _certificate_or_404(user, pk)
    if not can_revoke_certificate(user, certificate):
        return _managers_only(request)
    services.certificate_pdf_retry(certificate=certificate, by=user)
    return redirect("certificates:detail", pk=certificate.pk)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The supplier's certificates, newest first, with their PDFs."""
    user = request.user
    if not can_view_own_certificates(user):
        return forbidden(request, _("This page lists a supplier's own certificates."))
    certificates = selectors.certificates_for(user).order_by("-issued_on", "-id")[:200]
    return render(request, "certificates/mine.html", {"certificates": certificates})


# --- Public verification ----------------------------------------------------------------


def _verification(request: HttpRequest, query: str | None) -> HttpResponse:
    if query is not None and not verify_allowed(request):
        return render(
            request,
            "certificates/verify.html",
            {"form": VerifyForm(), "limited": True},
            status=429,
        )
    certificate = selectors.verify_lookup(query) if query else None
    status = certificate.status_on(timezone.localdate()) if certificate else None
    return render(
        request,
        "certificates/verify.html",
        {
            "form": VerifyForm(initial={"q": query} if query and not certificate else None),
            "searched": query is not None,
            "certificate": certificate,
            "status": status,
            "statuses": CertificateStatus,
        },
    )


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The public form: type a certificate number or verification code (no sign-in)."""
    query = request.GET.get("q")
    return _verification(request, query.strip() if query is not None else None)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page a certificate's QR code opens (no sign-in)."""
    return _verification(request, code)


# Public: the two-factor step never stands between anyone and a verification.
verify.two_factor_exempt = True  # type: ignore[attr-defined]
verify_code.two_factor_exempt = True  # type: ignore[attr-defined]
