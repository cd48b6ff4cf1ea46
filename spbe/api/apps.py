from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "spbe.api"
    label = "api"
    verbose_name = "API"
