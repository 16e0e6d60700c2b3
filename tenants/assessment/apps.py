from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "tenants.assessment"
    label = "assessment"

    def ready(self) -> None:
        # Imported once the app registry is ready: the module imports this app's models.
        from tenants.assessment.taskbooks import register_evidence_purpose

        register_evidence_purpose()  # task-book evidence files (direct upload, purpose assessment_evidence)
