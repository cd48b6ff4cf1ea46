from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "spbe.reference"
    label = "reference"
    verbose_name = "Data referensi"
