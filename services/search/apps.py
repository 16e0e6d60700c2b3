from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "services.search"
    label = "search"
