from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tenants.learning"
    label = "learning"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import this app's models.
        from tenants.learning.rollups import register_rollups
        from tenants.learning.search import register_learning_sources
        from tenants.learning.uploads import register_learning_purposes

        register_learning_purposes()
        register_learning_sources()
        register_rollups()  # the group's rollup metrics (partycloud.core.metrics)
