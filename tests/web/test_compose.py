"""docker-compose.yml: valid against the compose specification, and wired the way
the README promises (one image, healthchecks, start order, example env files only)."""

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"


def load() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_it_validates_against_the_compose_specification():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_it_runs_web_worker_redis_and_postgres_each_with_a_healthcheck():
    services = load()["services"]
    assert set(services) == {"web", "worker", "redis", "postgres"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_web_and_worker_share_one_image_and_wait_for_healthy_backends():
    services = load()["services"]
    web, worker = services["web"], services["worker"]
    assert web["image"] == worker["image"] and web["build"] == worker["build"] == "."
    for service in (web, worker):
        assert service["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_start_scripts_migrate_before_serving():
    web = (REPO / "compose" / "start-web").read_text()
    assert web.index("migrate") < web.index("exec daphne")
    worker = (REPO / "compose" / "start-worker").read_text()
    assert worker.index("migrate --check") < worker.index("exec celery")
    for script in ("start-web", "start-worker"):
        assert "set -o errexit -o pipefail -o nounset" in (REPO / "compose" / script).read_text()


def test_only_example_env_files_are_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "envs"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    referenced = [f for s in load()["services"].values() for f in s.get("env_file", [])]
    assert referenced, "services read their settings from env files"
    for path in referenced:
        assert (REPO / (path + ".example")).exists(), f"{path}.example is missing"
        assert path not in tracked
    assert all(name.endswith(".example") for name in tracked)
