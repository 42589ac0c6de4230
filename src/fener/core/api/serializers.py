"""API representations. Serializers validate input shape; services make changes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fener.core.models import AuditEvent, Institution, InstitutionType, Municipality, Role, User


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = [
            "id",
            "code",
            "name",
            "name_mk",
            "name_sq",
            "name_en",
            "region",
            "city_of_skopje",
            "population",
        ]


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False, allow_null=True
    )
    # DRF moves declared fields off the class, so the name does not clash with Field.parent.
    parent = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="key", queryset=Institution.objects.all(), required=False, allow_null=True
    )
    type = serializers.ChoiceField(choices=InstitutionType.choices)

    class Meta:
        model = Institution
        fields = [
            "id",
            "key",
            "type",
            "name",
            "name_mk",
            "name_sq",
            "name_en",
            "municipality",
            "country",
            "parent",
            "email",
            "phone",
            "is_active",
        ]
        read_only_fields = ["id", "name"]

    def validate_country(self, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise serializers.ValidationError("Use the two-letter ISO country code, e.g. MK.")
        return value.upper()


class RoleSerializer(serializers.ModelSerializer[Role]):
    class Meta:
        model = Role
        fields = ["id", "code", "label", "permissions", "requires_two_factor"]


class UserSerializer(serializers.ModelSerializer[User]):
    institution: serializers.SlugRelatedField[Institution] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    roles: serializers.Field[Any, Any, Any, Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "institution",
            "roles",
            "is_active",
            "preferred_language",
        ]


class MeSerializer(UserSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "permissions"]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.permission_codes())


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    institution: serializers.SlugRelatedField[Institution] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_label",
            "institution",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "before",
            "after",
            "purpose",
            "request_id",
        ]
