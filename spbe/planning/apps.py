from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "spbe.planning"
    label = "planning"
    verbose_name = "Perencanaan"
