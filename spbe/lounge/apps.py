from django.apps import AppConfig


class LoungeConfig(AppConfig):
    name = "spbe.lounge"
    label = "lounge"
    verbose_name = "Layanan publik"
