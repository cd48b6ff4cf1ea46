from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "spbe.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
