from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "spbe.complaints"
    label = "complaints"
    verbose_name = "Pengaduan"
