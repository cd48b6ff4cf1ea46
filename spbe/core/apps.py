from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "spbe.core"
    label = "core"
    verbose_name = "Inti"
