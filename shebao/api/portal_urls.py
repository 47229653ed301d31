"""URLs of the self-service API (included from `shebao.api.urls` under /api/v1/)."""

from django.urls import path

from shebao.api import portal_views as v

urlpatterns = [
    path("auth/token/", v.TokenView.as_view(), name="auth-token"),
    path("auth/codes/", v.CodesView.as_view(), name="auth-codes"),
    path("auth/codes/<int:pk>/resend/", v.CodeResendView.as_view(), name="auth-code-resend"),
    path("auth/account/", v.AccountOpenView.as_view(), name="auth-account"),
    path("auth/password/", v.PasswordResetView.as_view(), name="auth-password"),
    path("auth/agent-codes/", v.AgentCodesView.as_view(), name="auth-agent-codes"),
    path("auth/agent-account/", v.AgentAccountOpenView.as_view(), name="auth-agent-account"),
    path("me/", v.MeView.as_view(), name="me"),
    path("me/enrolments/", v.MyEnrolmentsView.as_view(), name="me-enrolments"),
    path("me/employers/", v.MyEmployersView.as_view(), name="me-employers"),
    path("me/cases/", v.MyCasesView.as_view(), name="me-cases"),
    path("me/cases/<str:number>/", v.MyCaseView.as_view(), name="me-case"),
    path("me/cases/<str:number>/rating/", v.MyCaseRatingView.as_view(), name="me-case-rating"),
    path("me/cases/<str:number>/supplement/", v.MySupplementView.as_view(), name="me-case-supplement"),
    path("me/messages/", v.MyMessagesView.as_view(), name="me-messages"),
    path("me/messages/<int:pk>/read/", v.MyMessageReadView.as_view(), name="me-message-read"),
    path("me/appointments/", v.MyAppointmentsView.as_view(), name="me-appointments"),
    path("me/appointments/<int:pk>/", v.MyAppointmentView.as_view(), name="me-appointment"),
    path("appointment-slots/", v.SlotsView.as_view(), name="appointment-slots"),
    path("applications/", v.ApplicationsView.as_view(), name="applications"),
    path("applications/items/", v.ApplyItemsView.as_view(), name="application-items"),
    path("employer/", v.EmployerView.as_view(), name="employer"),
    path("employer/staff/", v.EmployerStaffView.as_view(), name="employer-staff"),
    path("employer/cases/", v.EmployerCasesView.as_view(), name="employer-cases"),
    path("employer/cases/<str:number>/", v.EmployerCaseView.as_view(), name="employer-case"),
    path("employer/staff-changes/", v.EmployerStaffChangesView.as_view(), name="employer-staff-changes"),
    path("employer/staff-changes/file/", v.EmployerStaffFileView.as_view(), name="employer-staff-file"),
]
