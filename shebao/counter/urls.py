"""Counter pages under /counter/: public kiosk, ticket, display and booking; the teller's console and
management for staff."""

from django.urls import path

from shebao.counter import views

app_name = "counter"

urlpatterns = [
    path("window/", views.console, name="console"),
    path("window/sign-in/", views.console_sign_in, name="console_sign_in"),
    path("window/sign-out/", views.console_sign_out, name="console_sign_out"),
    path("window/<slug:action>/", views.console_action, name="console_action"),
    path("manage/", views.manage, name="manage"),
    path("manage/outlets/<int:pk>/", views.manage_outlet, name="manage_outlet"),
    path("manage/qualifications/", views.manage_qualifications, name="manage_qualifications"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/print/", views.ticket_print, name="ticket_print"),
    path("<slug:outlet_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:outlet_code>/display/", views.display, name="display"),
    path("<slug:outlet_code>/display/now/", views.display_fragment, name="display_now"),
    path("<slug:outlet_code>/book/", views.book, name="book"),
]
