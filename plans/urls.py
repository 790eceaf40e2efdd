from django.urls import path

from .views import activities, contents, dong_plans, guide, plans, reports, resources

app_name = "plans"

urlpatterns = [
    path("resources/", resources.resource_list, name="resource_list"),
    path("resources/new/", resources.resource_create, name="resource_create"),
    path("resources/guide/", guide.welfare_guide_page, name="welfare_guide"),
    path("resources/<int:pk>/edit/", resources.resource_edit, name="resource_edit"),
    # The annual basic plan (issue 6)
    path("", plans.plan_list, name="plan_list"),
    path("new/", plans.plan_create, name="plan_create"),
    path("new/from-previous/", plans.plan_clone, name="plan_clone"),
    path("<int:pk>/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/areas/", contents.area_add, name="area_add"),
    path("<int:pk>/areas/<int:area_pk>/", contents.area_rename, name="area_rename"),
    path("<int:pk>/areas/<int:area_pk>/delete/", contents.area_delete, name="area_delete"),
    path("<int:pk>/areas/<int:area_pk>/move/", contents.area_move, name="area_move"),
    path("<int:pk>/areas/<int:area_pk>/tasks/new/", contents.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task_pk>/", contents.task_edit, name="task_edit"),
    path("<int:pk>/tasks/<int:task_pk>/delete/", contents.task_delete, name="task_delete"),
    path("<int:pk>/targets/", contents.targets_save, name="targets_save"),
    path("<int:pk>/submit/", plans.plan_submit, name="plan_submit"),
    path("<int:pk>/approve/", plans.plan_approve, name="plan_approve"),
    path("<int:pk>/return/", plans.plan_return, name="plan_return"),
    path("<int:pk>/revise/", plans.plan_revise, name="plan_revise"),
    path("<int:pk>/dashboard/", reports.plan_dashboard, name="plan_dashboard"),
    path("<int:pk>/export.xlsx", reports.plan_export_xlsx, name="plan_export_xlsx"),
    path("<int:pk>/print/", reports.plan_print, name="plan_print"),
    # Per-dong discovery plans under the district plan (issue 17)
    path("<int:pk>/dongs/", dong_plans.dong_plan_list, name="dong_plan_list"),
    path("<int:pk>/dongs/<int:dong_id>/", dong_plans.dong_plan_page, name="dong_plan"),
    path("<int:pk>/dongs/<int:dong_id>/summary/", dong_plans.dong_plan_summary, name="dong_plan_summary"),
    path("<int:pk>/dongs/<int:dong_id>/targets/", dong_plans.dong_plan_targets, name="dong_plan_targets"),
    path("<int:pk>/dongs/<int:dong_id>/focus/", dong_plans.dong_plan_focus_add, name="dong_plan_focus_add"),
    path("<int:pk>/dongs/<int:dong_id>/focus/<int:area_pk>/delete/", dong_plans.dong_plan_focus_delete,
         name="dong_plan_focus_delete"),
    path("<int:pk>/dongs/<int:dong_id>/actions/", dong_plans.dong_plan_action_add, name="dong_plan_action_add"),
    path("<int:pk>/dongs/<int:dong_id>/actions/<int:action_pk>/status/", dong_plans.dong_plan_action_status,
         name="dong_plan_action_status"),
    # Trainings, awards and public-private partnerships
    path("trainings/", activities.training_list, name="training_list"),
    path("trainings/new/", activities.training_create, name="training_create"),
    path("trainings/<int:pk>/edit/", activities.training_edit, name="training_edit"),
    path("awards/", activities.award_list, name="award_list"),
    path("awards/new/", activities.award_create, name="award_create"),
    path("awards/<int:pk>/edit/", activities.award_edit, name="award_edit"),
    path("partnerships/", activities.partnership_list, name="partnership_list"),
    path("partnerships/new/", activities.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/edit/", activities.partnership_edit, name="partnership_edit"),
]
