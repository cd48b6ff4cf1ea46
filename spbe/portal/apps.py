from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "spbe.portal"
    label = "portal"
    verbose_name = "Portal publik"
