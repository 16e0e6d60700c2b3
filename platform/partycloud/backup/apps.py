from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "partycloud.backup"
    label = "backup"
