"""The Prometheus alert rules: promtool accepts them and their unit tests pass (each alert fires on
the series that should raise it, and not on a healthy one); every metric they read is one the
gateway or action server exports; every alert is explained in docs/operations.md. A copy with a
wrong threshold fails its unit tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.deploy.deploy_support import DEPLOY, ROOT

RULES = DEPLOY / "prometheus" / "govbot-rules.yml"
RULE_TESTS = DEPLOY / "prometheus" / "govbot-rules.test.yml"


def promtool_run(promtool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(promtool), *args], capture_output=True, text=True, timeout=120, check=False)


def alerts() -> list[dict[str, object]]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_promtool_accepts_the_rules(promtool: Path) -> None:
    run = promtool_run(promtool, "check", "rules", str(RULES))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"SUCCESS: {len(alerts())} rules found" in run.stdout


def test_the_rules_unit_tests_pass(promtool: Path) -> None:
    run = promtool_run(promtool, "test", "rules", str(RULE_TESTS))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout


def test_every_alert_but_the_scrape_ones_has_a_unit_test() -> None:
    tested = set(re.findall(r"alertname: (\w+)", RULE_TESTS.read_text(encoding="utf-8")))
    names = {str(rule["alert"]) for rule in alerts()}
    assert names - tested <= {"GovbotActionServerDown"}  # the same `up == 0` rule as the gateway's


def test_a_wrong_threshold_fails_the_unit_tests(promtool: Path, tmp_path: Path) -> None:
    shutil.copy(RULE_TESTS, tmp_path / RULE_TESTS.name)
    text = RULES.read_text(encoding="utf-8").replace(
        "max(gateway_queue_backlog) > 200", "max(gateway_queue_backlog) > 5000"
    )
    (tmp_path / RULES.name).write_text(text, encoding="utf-8")
    run = promtool_run(promtool, "test", "rules", str(tmp_path / RULE_TESTS.name))
    assert run.returncode != 0
    assert "GovbotQueueLagHigh" in run.stdout + run.stderr


def test_a_malformed_expression_is_refused(promtool: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(RULES.read_text(encoding="utf-8").replace("> 0.1", "> > 0.1", 1), encoding="utf-8")
    assert promtool_run(promtool, "check", "rules", str(broken)).returncode != 0


def test_every_metric_read_is_exported_by_the_gateway_or_the_action_server() -> None:
    """Names from channels/metrics.py and actions/metrics.py (prometheus-client adds _total and
    _bucket); `up` is Prometheus' own."""
    source = (ROOT / "channels" / "metrics.py").read_text(encoding="utf-8")
    source += (ROOT / "actions" / "metrics.py").read_text(encoding="utf-8")
    exported = set(re.findall(r'"((?:gateway|actions)_[a-z_]+)"', source))
    assert exported, "no metric names found"
    for rule in alerts():
        for metric in re.findall(r"\b((?:gateway|actions)_[a-z_]+)", str(rule["expr"])):
            base = re.sub(r"_(total|bucket|count|sum)$", "", metric)
            assert base in exported, f"{rule['alert']} reads {metric}, which nothing exports"


def test_every_alert_is_explained_in_the_operations_guide() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for rule in alerts():
        assert f"`{rule['alert']}`" in guide, rule["alert"]


def test_the_scrape_jobs_are_a_valid_prometheus_configuration(promtool: Path, tmp_path: Path) -> None:
    token = tmp_path / "READYZ_TOKEN"
    token.write_text("t", encoding="utf-8")
    config = (DEPLOY / "prometheus" / "scrape.yml").read_text(encoding="utf-8")
    assert "/etc/prometheus/secrets/READYZ_TOKEN" in config
    (tmp_path / "prometheus.yml").write_text(
        config.replace("/etc/prometheus/secrets/READYZ_TOKEN", str(token)), encoding="utf-8"
    )
    run = promtool_run(promtool, "check", "config", str(tmp_path / "prometheus.yml"))
    assert run.returncode == 0, run.stdout + run.stderr
    jobs = {job["job_name"] for job in yaml.safe_load(config)["scrape_configs"]}
    assert jobs == set(re.findall(r'job="([\w-]+)"', RULES.read_text(encoding="utf-8")))
