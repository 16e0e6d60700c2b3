from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "tenants.points"
    label = "points"
