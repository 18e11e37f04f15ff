"""Factories for tests: build valid objects with as little said as possible."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n} Example")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Record the address as proven, as for anyone who can sign in with a password."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.PUBLIC_AGENCY


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Analyst"
    time_zone = "America/Chicago"


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    category = "Career"


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    status = Program.Status.ACTIVE
    format = Program.Format.ONE_TO_ONE
    matching_mode = Program.MatchingMode.CHOICE


class EnrollmentFactory(factory.django.DjangoModelFactory[Enrollment]):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    is_mentee = True


class EnrollmentTopicFactory(factory.django.DjangoModelFactory[EnrollmentTopic]):
    class Meta:
        model = EnrollmentTopic

    enrollment = factory.SubFactory(EnrollmentFactory)
    topic = factory.SubFactory(TopicFactory)
    kind = EnrollmentTopic.Kind.FOCUS
    level = 2
