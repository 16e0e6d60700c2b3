from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "partycloud.audit"
    label = "audit"
