"""Containers read Secrets through env (secretKeyRef, envFrom secretRef): values decoded, and a
missing Secret or key stops the container with the kubelet's CreateContainerConfigError."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
    envFrom:
    - secretRef:
        name: db
      prefix: DB_
    env:
    - name: PASSWORD
      valueFrom:
        secretKeyRef:
          name: {secret}
          key: {key}
"""


def test_secret_env_values_and_errors():
    con = Console(Cluster.new())
    assert con.run("kubectl create secret generic db --from-literal=password=s3cr3t").ok
    for name, secret, key in (("ok", "db", "password"), ("nosecret", "missing", "x"),
                              ("nokey", "db", "user")):
        assert con.run("kubectl apply -f -",
                       stdin=POD.format(name=name, secret=secret, key=key)).ok
    con.run("clock advance 20")
    assert con.run("kubectl exec ok -- printenv PASSWORD DB_password").output == (
        "s3cr3t\ns3cr3t\n")
    rows = con.run("kubectl get pods nosecret nokey").output.splitlines()[1:]
    assert [r.split()[2] for r in rows] == ["CreateContainerConfigError"] * 2
    events = con.run("kubectl get events --field-selector reason=Failed").output
    assert 'Error: secret "missing" not found' in events
    assert "Error: couldn't find key user in Secret default/db" in events
