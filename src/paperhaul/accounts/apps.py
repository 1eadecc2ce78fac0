from django.apps import AppConfig
from django.db.models.signals import post_migrate

MODERATORS = "moderators"


def ensure_groups(**kwargs) -> None:
    """The moderators group exists with the permission to hide any comment (add people in the admin)."""
    from django.contrib.auth.models import Group, Permission

    permission = Permission.objects.filter(
        content_type__app_label="community", codename="moderate_comment"
    ).first()
    if permission is None:
        return
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(permission)


class AccountsConfig(AppConfig):
    name = "paperhaul.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        post_migrate.connect(ensure_groups, dispatch_uid="paperhaul.accounts.ensure_groups")
