from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partycloud.core"
    label = "core"
