from django.urls import path

from carrefour.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/<slug:declaration_slug>/", views.open_for_declaration, name="open_for_declaration"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/comment/", views.comment_new, name="comment"),
    path("<slug:slug>/comments/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/comments/<int:pk>/support/", views.support, name="support"),
    path("<slug:slug>/comments/<int:pk>/support/withdraw/", views.unsupport, name="unsupport"),
    path("<slug:slug>/comments/<int:pk>/flag/", views.flag, name="flag"),
    path("<slug:slug>/flags/<int:pk>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("<slug:slug>/comments/<int:pk>/hide/", views.hide, name="hide"),
    path("<slug:slug>/comments/<int:pk>/restore/", views.restore, name="restore"),
    path("<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("<slug:slug>/answers/", views.answers, name="answers"),
    path("<slug:slug>/comments/export/", views.comments_export, name="export"),
    path("<slug:slug>/what-we-heard/", views.report, name="report"),
    path("<slug:slug>/what-we-heard/pdf/", views.report_pdf, name="report_pdf"),
    path("<slug:slug>/what-we-heard/responses/", views.response_add, name="response_add"),
    path("<slug:slug>/questions/", views.questions, name="questions"),
    path("<slug:slug>/questions/add/", views.question_edit, name="question_add"),
    path("<slug:slug>/questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("<slug:slug>/questions/<int:pk>/retire/", views.question_retire, name="question_retire"),
    path("<slug:slug>/questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("<slug:slug>/what-we-heard/responses/<int:pk>/edit/", views.response_edit, name="response_edit"),
    path("<slug:slug>/what-we-heard/responses/<int:pk>/withdraw/", views.response_withdraw, name="response_withdraw"),
    path("<slug:slug>/what-we-heard/publish/", views.report_publish, name="report_publish"),
]
