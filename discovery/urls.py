from .views import dashboard, imports, indicators, network, reports, rewards, rounds

app_name = "discovery"

urlpatterns = [
    *reports.urlpatterns,
    *imports.urlpatterns,
    *rounds.urlpatterns,
    *network.urlpatterns,
    *rewards.urlpatterns,
    *dashboard.urlpatterns,
    *indicators.urlpatterns,
]
