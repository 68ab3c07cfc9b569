from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from drive.accounts.models import Invitation, User
from drive.accounts.services import notify_new_admin, two_factor_disable
from drive.organisations.models import ADMIN_ROLES


class UserChangeFormByEmail(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserCreationFormByEmail(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        # Sign-in looks email addresses up case-insensitively; store them lower-case.
        return self.cleaned_data["email"].strip().lower()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, adapted to sign-in by email with an organisation and a role."""

    form = UserChangeFormByEmail
    add_form = UserCreationFormByEmail
    ordering = ("email",)
    list_display = ("email", "full_name", "organisation", "role", "is_active", "last_login")
    list_filter = ("organisation__kind", "role", "is_active", "is_staff", "language")
    search_fields = ("email", "full_name", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language")}),
        (_("Organisation"), {"fields": ("organisation", "role")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "organisation", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ("reset_two_factor",)

    def save_model(self, request, obj, form, change) -> None:
        before = User.objects.filter(pk=obj.pk).values("organisation_id", "role").first()
        super().save_model(request, obj, form, change)
        became_admin = obj.role in ADMIN_ROLES and (
            before is None
            or before["role"] not in ADMIN_ROLES
            or before["organisation_id"] != obj.organisation_id
        )
        if became_admin and obj.is_active:
            notify_new_admin(user=obj)

    @admin.action(description=_("Reset two-factor authentication (they set it up again)"))
    def reset_two_factor(self, request, queryset) -> None:
        for user in queryset:
            two_factor_disable(user=user, by=request.user)
        self.message_user(
            request,
            _("Two-factor authentication was reset for %(count)d people.")
            % {"count": queryset.count()},
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-mostly: invitations are created, resent and withdrawn through the people page."""

    list_display = (
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
        "email_sent_at",
    )
    list_filter = ("organisation__kind", "role")
    search_fields = ("email", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "token_hash",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_user",
        "email_sent_at",
    )
    autocomplete_fields = ("organisation",)

    def has_add_permission(self, request) -> bool:
        # An invitation needs a token and an email: use the people page or the supplier page.
        return False
