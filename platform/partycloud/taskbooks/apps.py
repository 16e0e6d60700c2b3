from django.apps import AppConfig


class TaskbooksConfig(AppConfig):
    name = "partycloud.taskbooks"
    label = "taskbooks"
    verbose_name = "group task-book templates"
