from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "spbe.regions"
    label = "regions"
    verbose_name = "Wilayah"
