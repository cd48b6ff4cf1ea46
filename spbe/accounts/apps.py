from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spbe.accounts"
    label = "accounts"
    verbose_name = "Akun dan organisasi"
