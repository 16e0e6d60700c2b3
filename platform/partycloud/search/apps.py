from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "partycloud.search"
    # The label of the app's first home (services.search): its tables and migrations keep their
    # names, so the move needs no data migration.
    label = "search"
