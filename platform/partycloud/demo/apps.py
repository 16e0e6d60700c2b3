from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "partycloud.demo"
    label = "demo"
