from django.urls import path

from drive.suppliers import views, views_bulk

app_name = "suppliers"


def _item_urls(kind: str, segment: str) -> list:
    """add / edit / delete pages of one kind of profile item (agreement, certification…)."""
    return [
        path(f"<int:pk>/{segment}/add/", views.item_save, {"kind": kind}, name=f"{kind}_add"),
        path(
            f"<int:pk>/{segment}/<int:item_pk>/edit/",
            views.item_save,
            {"kind": kind},
            name=f"{kind}_edit",
        ),
        path(
            f"<int:pk>/{segment}/<int:item_pk>/delete/",
            views.item_delete,
            {"kind": kind},
            name=f"{kind}_delete",
        ),
    ]


urlpatterns = [
    path("", views.supplier_list, name="list"),
    path("new/", views.supplier_create, name="create"),
    path("invite/", views_bulk.invite_many, name="invite_many"),
    path("<int:pk>/", views.supplier_detail, name="detail"),
    path("<int:pk>/edit/", views.supplier_edit, name="edit"),
    path("<int:pk>/invite/", views.supplier_invite_admin_view, name="invite_admin"),
    *_item_urls("agreement", "agreements"),
    *_item_urls("certification", "certifications"),
    *_item_urls("contact", "contacts"),
]
