"""`VerifyConfig`: everything verification takes from outside, read once at the edge."""

from __future__ import annotations

import pytest

from gate.errors import UsageError
from gate.verify.interface import VerifyConfig


def test_the_environment_is_read_once_and_the_tokens_are_hidden():
    environ = {"HF_TOKEN": "hf_secret", "HF_ENDPOINT": "https://mirror.example/", "GITHUB_TOKEN": "gh_secret",
               "GITHUB_API_URL": "https://ghe.example/api/v3/", "MODEL_GATE_VERIFY_ATTEMPTS": "2",
               "MLFLOW_TRACKING_URI": "https://mlflow.example", "MLFLOW_TRACKING_TOKEN": "ml_secret"}
    config = VerifyConfig.from_environment(environ, jobs=3)
    assert (config.hub_endpoint, config.hub_token, config.github_api, config.github_token) == (
        "https://mirror.example", "hf_secret", "https://ghe.example/api/v3", "gh_secret")
    assert (config.settings.attempts, config.settings.jobs, config.registry_uri) == (2, 3, "https://mlflow.example")
    assert "secret" not in repr(config)
    assert config.redact("hf_secret, gh_secret, ml_secret") == "***, ***, ***"


def test_tokens_handed_in_win_over_the_environment():
    config = VerifyConfig.from_environment({"HF_TOKEN": "from_env"}, hub_token="from_input",
                                           registry_token="ml_input")
    assert (config.hub_token, config.registry_token) == ("from_input", "ml_input")
    assert config.redact("ml_input") == "***"


def test_the_lfs_token_travels_in_the_config_hidden():
    from_env = VerifyConfig.from_environment({"MODEL_GATE_LFS_TOKEN": "lfs_env"})
    handed_in = VerifyConfig.from_environment({"MODEL_GATE_LFS_TOKEN": "lfs_env"}, lfs_token="lfs_input")
    assert (from_env.lfs_token, handed_in.lfs_token, VerifyConfig.from_environment({}).lfs_token) == (
        "lfs_env", "lfs_input", None)
    assert "lfs_input" not in repr(handed_in)
    assert handed_in.redact("auth x-access-token:lfs_input") == "auth x-access-token:***"


def test_a_bad_tuning_value_is_a_usage_error():
    with pytest.raises(UsageError, match="MODEL_GATE_VERIFY_TIMEOUT must be positive"):
        VerifyConfig.from_environment({"MODEL_GATE_VERIFY_TIMEOUT": "0"})


def test_verification_reads_the_config_not_the_environment(hub, monkeypatch, tmp_path):
    from gate.verify.interface import RepoQuery, VerifySettings
    from gate.verify.run import gather_hub

    sha = hub.add_repo("org/m", files={"model.safetensors": b"weights"}).head()
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # would fail: the config's endpoint is used
    monkeypatch.setenv("HF_TOKEN", "hf_from_the_environment")
    config = VerifyConfig(hub_endpoint=hub.endpoint, hub_token="hf_from_the_config", cache_dir=str(tmp_path),
                          settings=VerifySettings(attempts=1, deadline=20))
    evidence = gather_hub({RepoQuery("model", "org/m", None): ()}, config, lineage_depth=0)
    assert evidence.answers[RepoQuery("model", "org/m", None)].sha == sha and not evidence.failures
    assert hub.authorizations and set(hub.authorizations) == {"Bearer hf_from_the_config"}


def test_mlflow_credentials_are_read_at_the_edge_and_an_input_token_wins():
    from gate.verify.interface import RegistryCredentials

    environ = {"MLFLOW_TRACKING_TOKEN": "ml_env_token", "MLFLOW_TRACKING_USERNAME": "bot",
               "MLFLOW_TRACKING_PASSWORD": "ml_env_password"}
    config = VerifyConfig.from_environment(environ)
    assert config.mlflow_credentials == RegistryCredentials("ml_env_token", "bot", "ml_env_password")
    assert config.redact("ml_env_token ml_env_password") == "*** ***" and "ml_env" not in repr(config)
    assert VerifyConfig.from_environment(environ, registry_token="ml_input").mlflow_credentials == \
        RegistryCredentials("ml_input")
    assert VerifyConfig(registry_token="ml_only_here").mlflow_credentials == RegistryCredentials("ml_only_here")
    assert VerifyConfig().mlflow_credentials == RegistryCredentials()
