from django.urls import path

from exercises import views_attempt, views_author, views_class

exercise_patterns = [
    path("", views_author.exercise_list, name="exercise_list"),
    path("new", views_author.exercise_new, name="exercise_new"),
    path("import", views_author.exercise_import, name="exercise_import"),
    path("<int:exercise_id>/", views_author.exercise_detail, name="exercise_detail"),
    path("<int:exercise_id>/edit", views_author.exercise_edit, name="exercise_edit"),
    path("<int:exercise_id>/test", views_author.exercise_test, name="exercise_test"),
    path("<int:exercise_id>/status", views_author.exercise_status, name="exercise_status"),
    path("<int:exercise_id>/duplicate", views_author.exercise_duplicate,
         name="exercise_duplicate"),
    path("<int:exercise_id>/export", views_author.exercise_export, name="exercise_export"),
    path("<int:exercise_id>/attempt/", views_attempt.attempt_page, name="attempt_page"),
    *[
        path(f"<int:exercise_id>/attempt/{action}", view, name=f"attempt_{action}")
        for action, view in [
            ("start", views_attempt.attempt_start),
            ("restart", views_attempt.attempt_restart),
            ("check", views_attempt.attempt_check),
            ("hint", views_attempt.attempt_hint),
            ("console", views_attempt.attempt_console),
            ("apply", views_attempt.attempt_apply),
        ]
    ],
]

class_patterns = [
    path("", views_class.class_list, name="class_list"),
    path("new", views_class.class_new, name="class_new"),
    path("join", views_class.class_join, name="class_join"),
    path("<int:classroom_id>/", views_class.class_dashboard, name="class_dashboard"),
    path("<int:classroom_id>/assign", views_class.class_assign, name="class_assign"),
    path("<int:classroom_id>/results.csv", views_class.class_results, name="class_results"),
    path("<int:classroom_id>/learners/<int:user_id>/<int:assignment_id>/",
         views_class.learner_sandbox, name="learner_sandbox"),
]
