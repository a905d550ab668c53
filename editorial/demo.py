"""The editorial roles on the demo site, and (development only) one demo user per role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from .roles import ADMINISTRATORS, APPROVERS, EDITORS, TRANSLATORS

# (group, username, full name): the whole name in first_name, family name first, as Vietnamese
# write it; e-mails then greet "Nguyễn Thị Lan", not "Lan Nguyễn Thị".
DEMO_USERS = [
    (EDITORS, "bientapvien", "Nguyễn Thị Lan"),
    (APPROVERS, "pheduyet", "Trần Văn Minh"),
    (TRANSLATORS, "biendichvien", "Lê Thu Hà"),
    (ADMINISTRATORS, "quantri", "Phạm Quốc Hùng"),
]


def load():
    call_command("sync_roles", verbosity=0)


def demo_users(password):
    """Create the demo users that do not exist yet; returns (group, username) of each. `load_demo`
    calls this only with DEBUG on."""
    User = get_user_model()
    for group, username, name in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            user = User.objects.create_user(username, f"{username}@example.com", password, first_name=name)
            user.groups.add(Group.objects.get(name=group))
    return [(group, username) for group, username, _name in DEMO_USERS]
