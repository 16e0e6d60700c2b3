from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "tenants.workbench"
    label = "workbench"
