from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "tenants.assessment"
    label = "assessment"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import this app's models.
        from tenants.assessment.evaluation_rollups import register_rollups as register_evaluation_rollups

        register_evaluation_rollups()  # the group's rollup metric of the democratic evaluation
