"""Settings: defaults, overrides, and one clear line naming the variable when wrong."""

import pytest

from service.settings import Environment, Settings, SettingsError, load_settings


def test_defaults_without_environment() -> None:
    settings = load_settings({})
    assert settings.database_url is None
    assert settings.port == 8000
    assert settings.environment is Environment.DEVELOPMENT
    assert not settings.is_production


def test_reads_variables_by_upper_case_field_name() -> None:
    settings = load_settings(
        {"DATABASE_URL": "postgresql://u@h/db", "PORT": "9000", "ENVIRONMENT": "production"}
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.port == 9000
    assert settings.is_production


def test_empty_value_means_unset() -> None:
    assert load_settings({"DATABASE_URL": ""}).database_url is None


def test_overrides_win() -> None:
    assert load_settings({"PORT": "9000"}, port=9100).port == 9100


def test_unrelated_variables_are_ignored() -> None:
    assert load_settings({"PATH": "/bin", "HOME": "/root"}) == Settings()


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("PORT", "eighty", "Expected `int`"),
        ("PORT", "70000", "<= 65535"),
        ("ENVIRONMENT", "prod", "Invalid enum value 'prod'"),
        ("LOG_LEVEL", "loud", "matching regex"),
        ("SEED_ON_FIRST_START", "maybe", "Expected `bool`"),
        ("DB_POOL_MAX_SIZE", "0", ">= 1"),
    ],
)
def test_malformed_value_names_the_variable(name: str, value: str, reason: str) -> None:
    with pytest.raises(SettingsError) as excinfo:
        load_settings({name: value})
    message = str(excinfo.value)
    assert "\n" not in message
    assert message.startswith(f"invalid environment variable {name}={value!r}")
    assert reason in message


def test_every_field_is_documented_in_the_configuration_reference() -> None:
    from tests.server import ROOT

    reference = (ROOT / "docs" / "OPERATIONS.md").read_text()
    missing = [f.upper() for f in Settings.__struct_fields__ if f"`{f.upper()}`" not in reference]
    assert not missing, f"docs/OPERATIONS.md lacks settings: {missing}"


@pytest.mark.parametrize("name", ["DATABASE_URL", "LISTEN_DATABASE_URL"])
def test_a_dsn_that_is_no_postgresql_url_is_refused_without_showing_it(name: str) -> None:
    with pytest.raises(SettingsError) as excinfo:
        load_settings({name: "postgresq://app:s3cret@db/record"})
    message = str(excinfo.value)
    assert message.startswith(f"invalid environment variable {name}:")
    assert "s3cret" not in message  # a DSN may hold a password
    for fine in ("postgresql://app@db/record", "postgres://db/x", "postgresql:///x?host=/run"):
        assert load_settings({name: fine})
