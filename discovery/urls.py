from .views import (
    channels,
    collaborators,
    dashboard,
    imports,
    indicators,
    network,
    programmes,
    reports,
    rewards,
    rounds,
)

app_name = "discovery"

urlpatterns = [
    *reports.urlpatterns,
    *imports.urlpatterns,
    *rounds.urlpatterns,
    *network.urlpatterns,
    *rewards.urlpatterns,
    *dashboard.urlpatterns,
    *indicators.urlpatterns,
    *programmes.urlpatterns,
    *collaborators.urlpatterns,
    *channels.urlpatterns,
]
