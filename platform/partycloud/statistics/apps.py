from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """The annual statistics report (no tables of its own): installed so its error codes,
    translations and checks are found like every other app's."""

    name = "partycloud.statistics"
    label = "statistics"
