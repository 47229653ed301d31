"""Case pages under /cases/: the desk, printed pages, the back office. ID numbers never appear in URLs."""

from django.urls import include, path

from shebao.cases import views, views_online

app_name = "cases"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("review/", views.review_queue, name="review"),
    path("cross-review/", views.cross_review_queue, name="cross_review"),
    path("cross-review/<int:pk>/", views.cross_review_act, name="cross_review_act"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("messages/", views.staff_messages, name="messages"),
    path("notices/<str:number>/", views.notice, name="notice"),
    path("notices/<str:number>.pdf", views.notice_pdf, name="notice_pdf"),
    path("online/", include(views_online.urlpatterns)),  # online pre-review (views_online.py)
    path("<str:number>/", views.case_detail, name="case"),
    path("<str:number>/act/", views.case_act, name="act"),
    path("<str:number>/receipt/", views.receipt, name="receipt"),
    path("<str:number>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
]
