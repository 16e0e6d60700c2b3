from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tenants.meetings"
    label = "meetings"
