"""factory_boy factory of users (STYLE.md §11); ``drive.factories`` re-exports it."""

from __future__ import annotations

import factory

from drive.accounts.models import User
from drive.organisations.factories import BuyerFactory
from drive.organisations.models import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    organisation = factory.SubFactory(BuyerFactory)
    role = Role.PROGRAMME_MANAGER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()
