"""The Kubernetes Basics tutorial (kubernetes-bootcamp v1/v2) in the console: its images exist,
the app answers, logs its start line, and localhost inside a pod reaches the pod itself."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console


def test_bootcamp_tutorial_flow():
    con = Console(Cluster.new())
    assert con.run("kubectl create deployment kubernetes-bootcamp "
                   "--image=gcr.io/google-samples/kubernetes-bootcamp:v1").ok
    con.run("clock advance 30")
    pod = con.cluster.api.list("Pod", "default")[0]["metadata"]["name"]
    assert con.run(f"kubectl exec {pod} -- curl -s http://localhost:8080").output == (
        f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n")
    assert con.run(f"kubectl logs {pod}").output == (
        "Kubernetes Bootcamp App Started At: 2026-01-01T00:00:05.000Z | Running On:  "
        f"{pod} \n\n")
    assert con.run("kubectl expose deployment/kubernetes-bootcamp --type=NodePort "
                   "--port 8080").ok
    con.run("kubectl set image deployments/kubernetes-bootcamp "
            "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2")
    con.run("clock advance 60")
    out = con.run("kubectl exec deploy/kubernetes-bootcamp -- curl -s "
                  "kubernetes-bootcamp:8080").output
    assert out.startswith("Hello Kubernetes bootcamp! | Running on: kubernetes-bootcamp-")
    assert out.endswith(" | v=2\n")
    refused = con.run("kubectl exec deploy/kubernetes-bootcamp -- curl -s localhost:81")
    assert refused.output == "command terminated with exit code 7\n"
