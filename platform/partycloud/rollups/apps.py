from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "partycloud.rollups"
    label = "rollups"
