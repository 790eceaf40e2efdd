from .views import channels, public

app_name = "report"

urlpatterns = [*public.urlpatterns, *channels.kakao_urlpatterns]
