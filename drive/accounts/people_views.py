"""The people pages (/organisations/people/): an organisation's members and invitations.

They manage accounts, so they live here, above ``organisations`` (docs/architecture.md);
the URL namespace stays ``organisations`` so every link is unchanged."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drive.accounts.forms import InviteForm
from drive.accounts.models import Invitation
from drive.accounts.permissions import can_manage_people
from drive.accounts.selectors import members_of, pending_invitations_of
from drive.accounts.services import invitation_create, invitation_resend, invitation_revoke
from drive.core.errors import DomainError
from drive.organisations.models import ROLES_BY_KIND, Organisation, Role

PEOPLE_PER_PAGE = 25


def _own_organisation(request: HttpRequest) -> Organisation:
    organisation = request.user.organisation
    if organisation is None:
        # Platform admins without an organisation manage people in the Django admin.
        raise Http404
    return organisation


def _invite_form(request: HttpRequest, organisation: Organisation, data=None) -> InviteForm:
    roles = [(role, Role(role).label) for role in ROLES_BY_KIND[organisation.kind]]
    return InviteForm(data, roles=roles, initial={"language": request.LANGUAGE_CODE})


def _people_page(
    request: HttpRequest, organisation: Organisation, form: InviteForm | None, status: int = 200
) -> HttpResponse:
    page = Paginator(members_of(request.user), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = can_manage_people(request.user, organisation)
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "page_obj": page,
            "members": page.object_list,
            "invitations": pending_invitations_of(request.user),
            "can_manage": can_manage,
            "form": form if can_manage else None,
            "querystring_without_page": "",
            "invitation_valid_days": settings.INVITATION_VALID_DAYS,
        },
        status=status,
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    return _people_page(request, organisation, _invite_form(request, organisation))


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    if not can_manage_people(request.user, organisation):
        raise PermissionDenied
    form = _invite_form(request, organisation, request.POST)
    if form.is_valid():
        try:
            invitation, _token = invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link is valid for %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("organisations:people")
    return _people_page(request, organisation, form)


def _managed_invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.visible_to(request.user), pk=pk)
    if not can_manage_people(request.user, invitation.organisation):
        raise PermissionDenied
    return invitation


@login_required
@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk)
    try:
        invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("organisations:people")


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk)
    try:
        invitation, _token = invitation_resend(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("A new invitation link was sent to %(email)s; the previous link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("organisations:people")
