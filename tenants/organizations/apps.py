from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tenants.organizations"
    label = "organizations"
