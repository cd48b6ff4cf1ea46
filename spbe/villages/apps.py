from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "spbe.villages"
    label = "villages"
    verbose_name = "Keuangan desa"
