"""factory_boy factories for core records."""

import factory

from fener.core.models import Institution, InstitutionType, Municipality, Role, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n:04d}")
    name_mk = factory.Sequence(lambda n: f"Општина {n}")
    name_sq = factory.Sequence(lambda n: f"Komuna {n}")
    name_en = factory.Sequence(lambda n: f"Municipality {n}")
    region = "Skopje"
    population = 10000


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    key = factory.Sequence(lambda n: f"institution-{n}")
    type = InstitutionType.SOCIAL_WORK_CENTRE
    name_mk = factory.Sequence(lambda n: f"Институција {n}")
    name_sq = factory.Sequence(lambda n: f"Institucioni {n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")
    country = "MK"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    institution = factory.SubFactory(InstitutionFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([Role.objects.get(code=code) for code in extracted])


PASSWORD = "correct horse battery staple"
