"""kubectl's checkErr form of 422 Invalid errors (kubectl/pkg/cmd/util/helpers.go)."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.errors import FieldError, Invalid


def test_invalid_names_the_kind_without_its_group_and_drops_duplicate_causes():
    dup = FieldError("spec.replicas", "Invalid value", -1, "must be greater than or equal to 0")
    err = Invalid("Deployment.apps", "web", [dup, dup])
    assert err.message.startswith('Deployment.apps "web" is invalid: [')
    assert err.kubectl_message() == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0")


def test_console_prints_invalid_deployment_like_kubectl():
    console = Console(Cluster.new())
    result = console.run("kubectl create deployment web --image=nginx --replicas=-1")
    assert not result.ok
    assert result.output == (
        'error: failed to create deployment: Deployment.apps "web" is invalid: spec.replicas: '
        "Invalid value: -1: must be greater than or equal to 0\n")
    manifest = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
                "  replicas: -1\n  selector:\n    matchLabels: {app: web}\n  template:\n"
                "    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
                "      - {name: nginx, image: nginx}\n")
    result = console.run("kubectl apply -f -", stdin=manifest)
    assert result.output == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0\n")
