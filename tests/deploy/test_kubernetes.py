"""The Kustomize manifests: rendered by kubectl's built-in Kustomize, every object validated
against the Kubernetes OpenAPI schemas of a pinned version (kubernetes-validate, strict: unknown
fields are errors), then held to the rules an agency's cluster expects — probes, limits, non-root
read-only containers, Secrets only by reference, Rasa and the action server private, images pinned.
Broken copies show each check can fail."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.deploy_support import DEPLOY

KUBERNETES_VERSION = "1.32.0"  # the cluster version the manifests are checked against
K8S = DEPLOY / "k8s"
OVERLAYS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}
SECRETISH = re.compile(r"(TOKEN|SECRET|PASSWORD|KEYS|DATABASE_URL|REDIS_URL|RABBITMQ_URL)$")
NO_PROBES = "govbot.go.th/probes"  # annotation naming why a pod has no probe (workers without HTTP)


def render(kubectl: Path, directory: Path) -> list[dict[str, Any]]:
    run = subprocess.run(
        [str(kubectl), "kustomize", str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    return [doc for doc in yaml.safe_load_all(run.stdout) if doc]


def schema_errors(objects: list[dict[str, Any]]) -> list[str]:
    errors = []
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{obj['kind']}/{obj['metadata']['name']}: {exc.message}")
    return errors


def pod_specs(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, pod template metadata, pod spec) of every workload."""
    found = []
    for obj in objects:
        if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            template = obj["spec"]["template"]
            found.append((f"{obj['kind']}/{obj['metadata']['name']}", template["metadata"], template["spec"]))
        if obj["kind"] == "CronJob":
            template = obj["spec"]["jobTemplate"]["spec"]["template"]
            found.append((f"CronJob/{obj['metadata']['name']}", template["metadata"], template["spec"]))
    return found


def policy_violations(objects: list[dict[str, Any]], *, production: bool) -> list[str]:
    """Every rule the manifests must keep; an empty list means all hold."""
    problems: list[str] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)
    if by_kind.get("Secret"):
        problems.append("a Secret with values is rendered: secrets are created from the secret store")
    for name, metadata, spec in pod_specs(objects):
        pod_sc = spec.get("securityContext", {})
        if pod_sc.get("runAsNonRoot") is not True or pod_sc.get("runAsUser", 0) == 0:
            problems.append(f"{name}: pod may run as root")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: mounts a service account token it does not need")
        is_job = name.startswith(("Job/", "CronJob/"))  # run to completion: no probes
        for container in spec["containers"] + spec.get("initContainers", []):
            where = f"{name}/{container['name']}"
            sc = container.get("securityContext", {})
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: privilege escalation allowed")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: root filesystem writable")
            if sc.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{where}: capabilities not dropped")
            resources = container.get("resources", {})
            for part in ("requests", "limits"):
                if set(resources.get(part, {})) < {"cpu", "memory"}:
                    problems.append(f"{where}: no {part} for cpu and memory")
            declared_none = str(metadata.get("annotations", {}).get(NO_PROBES, "")).startswith("none:")
            if not is_job and not declared_none:
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    if probe not in container:
                        problems.append(f"{where}: no {probe}")
                ports = {p.get("name") for p in container.get("ports", [])} | {
                    p["containerPort"] for p in container.get("ports", [])
                }
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    port = container.get(probe, {}).get("httpGet", {}).get("port")
                    if port is not None and port not in ports:
                        problems.append(f"{where}: {probe} asks port {port} the container does not open")
            for env in container.get("env", []):
                if SECRETISH.search(env["name"]) and (
                    "value" in env or "secretKeyRef" not in env.get("valueFrom", {})
                ):
                    problems.append(f"{where}: {env['name']} must come from a secretKeyRef")
            image = container["image"]
            if production and not (re.search(r":[0-9][\w.-]*$", image) or "@sha256:" in image):
                problems.append(f"{where}: image {image} not pinned to a version or digest")
            if image.endswith(":latest"):
                problems.append(f"{where}: image {image} uses latest")
    for config_map in by_kind.get("ConfigMap", []):
        for key in config_map.get("data", {}):
            if SECRETISH.search(key):
                problems.append(f"ConfigMap/{config_map['metadata']['name']}: {key} is a secret")
    problems += _exposure_problems(by_kind)
    problems += _network_problems(by_kind)
    problems += _scaling_problems(by_kind)
    return problems


def _exposure_problems(by_kind: dict[str, list[dict[str, Any]]]) -> list[str]:
    problems = []
    for service in by_kind.get("Service", []):
        component = service["spec"].get("selector", {}).get("app.kubernetes.io/name", "")
        if service["spec"].get("type", "ClusterIP") != "ClusterIP" and not component.endswith("gateway"):
            problems.append(f"Service/{service['metadata']['name']} is exposed outside the cluster")
    for ingress in by_kind.get("Ingress", []):
        for rule in ingress["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]["name"]
                if not backend.endswith("gateway"):
                    problems.append(f"Ingress/{ingress['metadata']['name']} publishes {backend}")
    return problems


def _peers(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """Who each ingress rule admits; a rule without `from` admits everyone ({})."""
    return [peer for rule in policy["spec"].get("ingress", []) for peer in (rule.get("from") or [{}])]


def _network_problems(by_kind: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Rasa's API only from the gateway, the action server only from Rasa, a default deny for the rest."""
    problems = []
    policies = by_kind.get("NetworkPolicy", [])
    deny = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/part-of": "govbot"}}
        and "ingress" not in p["spec"]
        and p["spec"].get("policyTypes") == ["Ingress"]
    ]
    if not deny:
        problems.append("no default-deny ingress policy for the govbot pods")
    for _name, metadata, _spec in pod_specs(
        [o for k in ("Deployment", "Job", "CronJob") for o in by_kind.get(k, [])]
    ):
        if metadata.get("labels", {}).get("app.kubernetes.io/part-of") != "govbot":
            problems.append(f"{_name}: not covered by the default deny (no part-of label)")
    allowed = {"rasa": {"gateway"}, "actions": {"rasa"}}
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    for component, sources in allowed.items():
        deployment = deployments.get(f"govbot-{component}")
        if deployment is None:
            problems.append(f"no Deployment for {component}")
            continue
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        # Every policy that selects these pods adds what it allows (NetworkPolicies are a union).
        selecting = [
            p
            for p in policies
            if not p["spec"]["podSelector"].get("matchExpressions")
            and p["spec"]["podSelector"].get("matchLabels", {}).items() <= pod_labels.items()
        ]
        if not any(p["spec"].get("ingress") for p in selecting):
            problems.append(f"no NetworkPolicy lets anything reach {component}")
        for policy in selecting:
            for peer in _peers(policy):
                source = peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component")
                if set(peer) != {"podSelector"} or source not in sources:
                    who = peer or "anyone"
                    problems.append(
                        f"NetworkPolicy/{policy['metadata']['name']} lets {who} reach {component}"
                    )
    return problems


def _scaling_problems(by_kind: dict[str, list[dict[str, Any]]]) -> list[str]:
    problems = []
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        if hpa["spec"]["scaleTargetRef"]["name"] not in deployments:
            problems.append(f"HPA/{hpa['metadata']['name']} scales nothing")
    covered = set()
    for pdb in by_kind.get("PodDisruptionBudget", []):
        labels = pdb["spec"]["selector"]["matchLabels"]
        matched = [
            name
            for name, d in deployments.items()
            if labels.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        if not matched:
            problems.append(f"PDB/{pdb['metadata']['name']} selects no pods")
        covered.update(matched)
    for name in ("govbot-rasa", "govbot-actions", "govbot-gateway", "govbot-consumer"):
        if name not in covered:
            problems.append(f"Deployment/{name} has no PodDisruptionBudget")
    return problems


@pytest.fixture(scope="module", params=sorted(OVERLAYS))
def rendered(request: pytest.FixtureRequest, kubectl: Path) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(kubectl, OVERLAYS[request.param])


def test_every_object_matches_the_kubernetes_schema(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _name, objects = rendered
    assert len(objects) >= 20
    assert schema_errors(objects) == []


def test_the_policies_hold(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    name, objects = rendered
    assert policy_violations(objects, production=name == "production") == []


def test_what_the_manifests_contain(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _name, objects = rendered
    kinds = {(o["kind"], o["metadata"]["name"]) for o in objects}
    for component in ("rasa", "actions", "gateway"):
        for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
            assert (kind, f"govbot-{component}") in kinds
    assert ("Deployment", "govbot-consumer") in kinds and ("Job", "govbot-migrate") in kinds
    assert ("CronJob", "govbot-retention") in kinds
    references = {
        (env["valueFrom"]["secretKeyRef"]["name"], env["valueFrom"]["secretKeyRef"]["key"])
        for _n, _m, spec in pod_specs(objects)
        for c in spec["containers"]
        for env in c.get("env", [])
        if "secretKeyRef" in env.get("valueFrom", {})
    }
    assert ("govbot-secrets", "RASA_AUTH_TOKEN") in references
    assert ("govbot-secrets", "PERSONAL_DATA_KEYS") in references


def test_production_runs_two_of_each_serving_component_in_its_namespace(kubectl: Path) -> None:
    objects = render(kubectl, OVERLAYS["production"])
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {"govbot"}
    replicas = {o["metadata"]["name"]: o["spec"]["replicas"] for o in objects if o["kind"] == "Deployment"}
    assert replicas == {"govbot-rasa": 2, "govbot-actions": 2, "govbot-gateway": 2, "govbot-consumer": 2}
    assert {o["spec"]["minReplicas"] for o in objects if o["kind"] == "HorizontalPodAutoscaler"} == {2}


def test_rasa_gets_every_variable_its_endpoints_name(kubectl: Path) -> None:
    """Rasa refuses to start when a ${VAR} in deploy/rasa/endpoints.yml is unset."""
    lines = (DEPLOY / "rasa" / "endpoints.yml").read_text(encoding="utf-8").splitlines()
    names = set(re.findall(r"\$\{([A-Z0-9_]+)\}", "\n".join(line.split("#", 1)[0] for line in lines)))
    objects = render(kubectl, OVERLAYS["production"])
    rasa = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "govbot-rasa")
    container = rasa["spec"]["template"]["spec"]["containers"][0]
    (ref,) = [e["configMapRef"]["name"] for e in container["envFrom"]]
    config = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == ref)
    given = set(config["data"]) | {e["name"] for e in container["env"]}
    assert names - given == set()


# --- the checks can fail: broken copies -------------------------------------------------------


def _broken(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda objs: _broken(objs, "Service", "govbot-rasa")["spec"].update(type="LoadBalancer"), "exposed"),
        (
            lambda objs: _broken(objs, "Deployment", "govbot-actions")["spec"]["template"]["spec"][
                "containers"
            ][0].pop("readinessProbe"),
            "no readinessProbe",
        ),
        (
            lambda objs: _broken(objs, "Deployment", "govbot-gateway")["spec"]["template"]["spec"][
                "containers"
            ][0]["env"].append({"name": "GATEWAY_RASA_TOKEN", "value": "literal"}),
            "secretKeyRef",
        ),
        (
            lambda objs: _broken(objs, "Deployment", "govbot-rasa")["spec"]["template"]["spec"][
                "securityContext"
            ].update(runAsNonRoot=False),
            "root",
        ),
        (
            lambda objs: _broken(objs, "NetworkPolicy", "govbot-actions-from-rasa")["spec"]["ingress"][0][
                "from"
            ].append({"namespaceSelector": {}}),
            "reach actions",
        ),
        (
            lambda objs: _broken(objs, "NetworkPolicy", "govbot-rasa-from-gateway")["spec"]["ingress"][0][
                "from"
            ][0]["podSelector"]["matchLabels"].update({"app.kubernetes.io/component": "actions"}),
            "reach rasa",
        ),
        (
            lambda objs: _broken(objs, "Deployment", "govbot-gateway")["spec"]["template"]["spec"][
                "containers"
            ][0].update(image="registry.example.go.th/govbot/app:latest"),
            "latest",
        ),
        (
            lambda objs: objs.append(
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "metadata": {"name": "allow-all"},
                    "spec": {"podSelector": {}, "ingress": [{}]},
                }
            ),
            "lets anyone reach rasa",
        ),
        (
            lambda objs: objs.append(
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "stringData": {"A": "b"}}
            ),
            "Secret",
        ),
    ],
    ids=[
        "rasa-load-balancer",
        "no-probe",
        "literal-token",
        "root",
        "actions-open",
        "rasa-from-actions",
        "latest",
        "allow-all-policy",
        "secret",
    ],
)
def test_each_policy_catches_its_breakage(kubectl: Path, breakage: Any, expected: str) -> None:
    objects = copy.deepcopy(render(kubectl, OVERLAYS["production"]))
    breakage(objects)
    problems = policy_violations(objects, production=True)
    assert any(expected in p for p in problems), problems


def test_a_schema_error_in_a_broken_copy_fails(kubectl: Path, tmp_path: Path) -> None:
    shutil.copytree(K8S, tmp_path / "k8s")
    hpa = tmp_path / "k8s" / "base" / "hpa.yaml"
    hpa.write_text(hpa.read_text().replace("maxReplicas: 4", 'maxReplicas: "four"', 1), encoding="utf-8")
    pdb = tmp_path / "k8s" / "base" / "pdb.yaml"
    pdb.write_text(pdb.read_text().replace("minAvailable: 1", "minAvailabe: 1", 1), encoding="utf-8")
    errors = schema_errors(render(kubectl, tmp_path / "k8s" / "overlays" / "production"))
    assert any("HorizontalPodAutoscaler/govbot-rasa" in e for e in errors), errors
    assert any("PodDisruptionBudget/govbot-rasa" in e and "minAvailabe" in e for e in errors), errors


def test_a_kustomization_naming_a_missing_file_does_not_render(kubectl: Path, tmp_path: Path) -> None:
    shutil.copytree(K8S, tmp_path / "k8s")
    (tmp_path / "k8s" / "base" / "pdb.yaml").unlink()
    with pytest.raises(RuntimeError, match=r"pdb\.yaml"):
        render(kubectl, tmp_path / "k8s" / "overlays" / "production")
