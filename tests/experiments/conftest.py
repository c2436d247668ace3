from __future__ import annotations

import pytest

from carrefour.directory.models import Role
from tests.directory.factories import MembershipFactory, TeamFactory, UserFactory, public_servant


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def owner(db, team):
    user = public_servant()
    MembershipFactory(user=user, team=team, role=Role.CONTRIBUTOR)
    return user


@pytest.fixture
def moderator(db, team):
    user = UserFactory()
    MembershipFactory(user=user, team=team, role=Role.MODERATOR)
    return user


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def outsider(db):
    return UserFactory()
