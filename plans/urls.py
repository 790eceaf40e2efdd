from django.urls import path

from . import activity_views, plan_views, views

app_name = "plans"

urlpatterns = [
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    # The annual basic plan (issue 6)
    path("", plan_views.plan_list, name="plan_list"),
    path("new/", plan_views.plan_create, name="plan_create"),
    path("new/from-previous/", plan_views.plan_clone, name="plan_clone"),
    path("<int:pk>/", plan_views.plan_edit, name="plan_edit"),
    path("<int:pk>/areas/", plan_views.area_add, name="area_add"),
    path("<int:pk>/areas/<int:area_pk>/", plan_views.area_rename, name="area_rename"),
    path("<int:pk>/areas/<int:area_pk>/delete/", plan_views.area_delete, name="area_delete"),
    path("<int:pk>/areas/<int:area_pk>/move/", plan_views.area_move, name="area_move"),
    path("<int:pk>/areas/<int:area_pk>/tasks/new/", plan_views.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/", plan_views.task_edit, name="task_edit"),
    path("<int:pk>/tasks/<int:task_pk>/delete/", plan_views.task_delete, name="task_delete"),
    path("<int:pk>/targets/", plan_views.targets_save, name="targets_save"),
    path("<int:pk>/submit/", plan_views.plan_submit, name="plan_submit"),
    path("<int:pk>/approve/", plan_views.plan_approve, name="plan_approve"),
    path("<int:pk>/return/", plan_views.plan_return, name="plan_return"),
    path("<int:pk>/revise/", plan_views.plan_revise, name="plan_revise"),
    path("<int:pk>/dashboard/", plan_views.plan_dashboard, name="plan_dashboard"),
    path("<int:pk>/export.xlsx", plan_views.plan_export_xlsx, name="plan_export_xlsx"),
    path("<int:pk>/print/", plan_views.plan_print, name="plan_print"),
    # Trainings, awards and public-private partnerships
    path("trainings/", activity_views.training_list, name="training_list"),
    path("trainings/new/", activity_views.training_create, name="training_create"),
    path("trainings/<int:pk>/edit/", activity_views.training_edit, name="training_edit"),
    path("awards/", activity_views.award_list, name="award_list"),
    path("awards/new/", activity_views.award_create, name="award_create"),
    path("awards/<int:pk>/edit/", activity_views.award_edit, name="award_edit"),
    path("partnerships/", activity_views.partnership_list, name="partnership_list"),
    path("partnerships/new/", activity_views.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/edit/", activity_views.partnership_edit, name="partnership_edit"),
]
