"""Public catalogue pages (no sign-in): the browser, the service guide and its PDFs."""

from django.urls import path

from shebao.catalogue import views_public

urlpatterns = [
    path("", views_public.browse, name="browse"),
    path("items/<str:code>/", views_public.item_detail, name="item"),
    path("items/<str:code>/guide.pdf", views_public.item_pdf, name="item_pdf"),
    path("items/<str:code>/notice.pdf", views_public.notice_pdf, name="notice_pdf"),
]
