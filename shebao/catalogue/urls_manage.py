"""Catalogue management pages for staff, under /manage/ (names prefixed `manage_`)."""

from django.urls import path

from shebao.catalogue import views_manage as views
from shebao.catalogue import views_outlets

urlpatterns = [
    path("manage/editions/", views.edition_list, name="manage_editions"),
    path("manage/editions/compare/", views.edition_compare, name="manage_compare"),
    path("manage/editions/<int:number>/", views.edition_detail, name="manage_edition"),
    path("manage/editions/<int:number>/publish/", views.edition_publish, name="manage_publish"),
    path("manage/editions/<int:number>/export.xlsx", views.edition_export, name="manage_export"),
    path("manage/editions/<int:number>/import/", views.edition_import, name="manage_import"),
    path("manage/editions/<int:number>/items/new/", views.item_edit, name="manage_item_add"),
    path("manage/editions/<int:number>/items/<str:code>/", views.item_edit, name="manage_item"),
    path(
        "manage/editions/<int:number>/items/<str:code>/delete/", views.item_delete, name="manage_item_delete"
    ),
    path("manage/conformance/", views.conformance, name="manage_conformance"),
    path("manage/conformance/outlets/", views_outlets.outlet_offer, name="manage_outlet_offer"),
    path("manage/bindings/", views.bindings, name="manage_bindings"),
    path("manage/standards/", views.standard_list, name="manage_standards"),
    path("manage/standards/new/", views.standard_edit, name="manage_standard_add"),
    path("manage/standards/<int:pk>/", views.standard_edit, name="manage_standard"),
    path("manage/standards/<int:pk>/status/", views.standard_status, name="manage_standard_status"),
]
