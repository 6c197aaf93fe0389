"""The Kubernetes manifests in deploy/ are valid against the Kubernetes schemas."""

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.server import ROOT

KUBERNETES_VERSION = "1.31"
MANIFESTS = sorted((ROOT / "deploy").glob("*.yaml"))


def documents() -> list[tuple[Path, dict[str, Any]]]:
    return [
        (path, doc)
        for path in MANIFESTS
        for doc in yaml.safe_load_all(path.read_text())
        if doc is not None
    ]


@pytest.mark.parametrize(("path", "doc"), documents(), ids=lambda v: getattr(v, "name", ""))
def test_manifest_is_valid(path: Path, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_standard_setup_is_there() -> None:
    kinds = {(doc["kind"], doc["metadata"]["name"]) for _, doc in documents()}
    assert {
        ("Deployment", "position-record"),
        ("Service", "position-record"),
        ("Job", "position-record-migrate"),
        ("HorizontalPodAutoscaler", "position-record"),
        ("Deployment", "pgbouncer"),
        ("Service", "pgbouncer"),
    } <= kinds


def test_replicas_are_probed_on_the_health_routes() -> None:
    deployment = next(
        doc
        for _, doc in documents()
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "position-record"
    )
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    env = {e["name"] for e in container["env"]}
    assert {"DATABASE_URL", "LISTEN_DATABASE_URL"} <= env


def test_pgbouncer_runs_in_transaction_mode() -> None:
    config = next(
        doc
        for _, doc in documents()
        if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "pgbouncer"
    )
    assert "pool_mode = transaction" in config["data"]["pgbouncer.ini"]


def test_the_metrics_token_comes_from_a_secret() -> None:
    """/metrics is for operators: its token is a secret, never in the config map."""
    deployment = next(
        doc
        for _, doc in documents()
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "position-record"
    )
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {item["name"]: item for item in container["env"]}
    assert "secretKeyRef" in env["METRICS_TOKEN"]["valueFrom"]
    configmaps = [doc for _, doc in documents() if doc["kind"] == "ConfigMap"]
    assert all("METRICS_TOKEN" not in doc.get("data", {}) for doc in configmaps)
