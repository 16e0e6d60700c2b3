from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "partycloud.uploads"
    # The label of the app's first home (services.storage): its table (storage_upload) and its
    # migrations keep their names, so the move needs no data migration.
    label = "storage"
    verbose_name = "uploads"
