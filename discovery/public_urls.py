from .views import public

app_name = "report"

urlpatterns = [*public.urlpatterns]
