from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "partycloud.hub"
    label = "hub"
