"""printers.table / render: kubectl's columns and cells for every kind (printers.go)."""

from playground.sim import printers
from playground.sim.clock import DEFAULT_START
from playground.sim.objects import format_time

NOW = DEFAULT_START + 3600


def ts(seconds_ago: float) -> str:
    return format_time(NOW - seconds_ago)


def pod(name="p", *, statuses=None, init_statuses=None, inits=None, containers=("app",),
        phase="Running", conditions=None, deleting=False, **extra):
    obj = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(300)},
        "spec": {"containers": [{"name": c, "image": "nginx"} for c in containers]},
        "status": {"phase": phase, "conditions": conditions or [],
                   "containerStatuses": statuses or []},
    }
    if inits:
        obj["spec"]["initContainers"] = [{"name": n, "image": "busybox"} for n in inits]
        obj["status"]["initContainerStatuses"] = init_statuses or []
    if deleting:
        obj["metadata"]["deletionTimestamp"] = ts(-30)
    obj["status"].update(extra)
    return obj


def running(name="app", ready=True, restarts=0, last_finished=None):
    cs = {"name": name, "ready": ready, "restartCount": restarts,
          "state": {"running": {"startedAt": ts(100)}}}
    if last_finished is not None:
        cs["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                          "finishedAt": ts(last_finished)}}
    return cs


def waiting(reason, name="app", restarts=0):
    return {"name": name, "ready": False, "restartCount": restarts,
            "state": {"waiting": {"reason": reason}}}


def terminated(reason, code, name="app"):
    return {"name": name, "ready": False, "restartCount": 0,
            "state": {"terminated": {"reason": reason, "exitCode": code,
                                     "finishedAt": ts(10)}}}


def cells(obj, wide=False):
    return printers.table(obj["kind"], [obj], now=NOW, wide=wide)[1][0]


def test_pod_running_ready_row():
    assert cells(pod(statuses=[running()])) == ["p", "1/1", "Running", "0", "5m"]


def test_pod_restarts_show_time_since_last_termination():
    row = cells(pod(statuses=[running(restarts=3, last_finished=41)]))
    assert row[3] == "3 (41s ago)"


def test_pod_waiting_reason_wins_over_phase():
    assert cells(pod(phase="Pending", statuses=[waiting("ContainerCreating")]))[2] == \
        "ContainerCreating"
    assert cells(pod(statuses=[waiting("CrashLoopBackOff", restarts=4)]))[1:3] == \
        ["0/1", "CrashLoopBackOff"]


def test_pod_terminated_reasons_and_exit_codes():
    assert cells(pod(phase="Succeeded", statuses=[terminated("Completed", 0)]))[2] == "Completed"
    assert cells(pod(phase="Failed", statuses=[terminated("Error", 1)]))[2] == "Error"
    no_reason = terminated("", 137)
    assert cells(pod(phase="Failed", statuses=[no_reason]))[2] == "ExitCode:137"


def test_pod_completed_container_next_to_running_one_is_not_ready():
    statuses = [running("a"), terminated("Completed", 0, name="b")]
    row = cells(pod(containers=("a", "b"), statuses=statuses))
    assert row[1:3] == ["1/2", "NotReady"]
    ready = [{"type": "Ready", "status": "True"}]
    row = cells(pod(containers=("a", "b"), statuses=statuses, conditions=ready))
    assert row[2] == "Running"


def test_pod_init_containers_progress():
    row = cells(pod(phase="Pending", inits=["init"], statuses=[waiting("PodInitializing")],
                    init_statuses=[{"name": "init", "restartCount": 0,
                                    "state": {"running": {"startedAt": ts(5)}}}]))
    assert row[2] == "Init:0/1"
    row = cells(pod(phase="Pending", inits=["init"], statuses=[waiting("PodInitializing")],
                    init_statuses=[waiting("CrashLoopBackOff", name="init", restarts=2)]))
    assert row[2] == "Init:CrashLoopBackOff"


def test_pod_terminating_and_node_lost():
    assert cells(pod(statuses=[running()], deleting=True))[2] == "Terminating"
    assert cells(pod(statuses=[running()], deleting=True, reason="NodeLost"))[2] == "Unknown"


def test_pod_wide_columns_use_none_placeholders():
    row = cells(pod(phase="Pending"), wide=True)
    assert row[5:] == ["<none>", "<none>", "<none>", "<none>"]
    scheduled = pod(statuses=[running()], podIP="10.244.1.7", podIPs=[{"ip": "10.244.1.7"}])
    scheduled["spec"]["nodeName"] = "worker-1"
    assert cells(scheduled, wide=True)[5:7] == ["10.244.1.7", "worker-1"]


def svc(type_="ClusterIP", ports=None, **spec):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": ts(65)},
            "spec": {"type": type_, "ports": ports or [], **spec}, "status": {}}


def test_service_rows_by_type():
    assert cells(svc(clusterIPs=["10.96.4.2"], ports=[{"port": 80, "protocol": "TCP"}])) == \
        ["web", "ClusterIP", "10.96.4.2", "<none>", "80/TCP", "65s"]
    nodeport = svc("NodePort", clusterIPs=["10.96.4.2"],
                   ports=[{"port": 80, "protocol": "TCP", "nodePort": 30080},
                          {"port": 53, "protocol": "UDP", "nodePort": 30053}])
    assert cells(nodeport)[4] == "80:30080/TCP,53:30053/UDP"
    assert cells(svc("LoadBalancer", clusterIPs=["10.96.4.2"]))[3] == "<pending>"
    external = svc("ExternalName", externalName="example.com")
    assert cells(external)[2:5] == ["<none>", "example.com", "<none>"]
    assert cells(svc(clusterIPs=["None"]))[2] == "None"
    assert cells(svc(selector={"app": "web", "a": "b"}), wide=True)[-1] == "a=b,app=web"


def test_endpoints_show_three_then_more():
    ep = {"apiVersion": "v1", "kind": "Endpoints",
          "metadata": {"name": "web", "creationTimestamp": ts(5)},
          "subsets": [{"addresses": [{"ip": f"10.244.1.{i}"} for i in range(2, 7)],
                       "ports": [{"port": 80}]}]}
    assert cells(ep)[1] == "10.244.1.2:80,10.244.1.3:80,10.244.1.4:80 + 2 more..."
    ep["subsets"] = []
    assert cells(ep)[1] == "<none>"


def test_endpointslice_columns():
    eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
           "metadata": {"name": "web-abcde", "creationTimestamp": ts(5)},
           "addressType": "IPv4", "ports": [{"name": "http", "port": 80}],
           "endpoints": [{"addresses": ["10.244.1.2"]}, {"addresses": ["10.244.2.2"]}]}
    headers, rows = printers.table("EndpointSlice", [eps], now=NOW)
    assert headers == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    assert rows[0] == ["web-abcde", "IPv4", "80", "10.244.1.2,10.244.2.2", "5s"]
    eps["endpoints"], eps["ports"] = [], []
    assert cells(eps)[2:4] == ["<unset>", "<unset>"]


def test_storage_kinds():
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": "www-web-0", "creationTimestamp": ts(20)},
           "spec": {"volumeName": "pvc-1", "storageClassName": "standard",
                    "resources": {"requests": {"storage": "1Gi"}}},
           "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                      "capacity": {"storage": "1Gi"}}}
    assert cells(pvc) == ["www-web-0", "Bound", "pvc-1", "1Gi", "RWO", "standard", "<unset>",
                          "20s"]
    sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
          "metadata": {"name": "standard", "creationTimestamp": ts(3600),
                       "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
          "volumeBindingMode": "WaitForFirstConsumer"}
    assert cells(sc) == ["standard (default)", "rancher.io/local-path", "Delete",
                         "WaitForFirstConsumer", "false", "60m"]
    pv = {"apiVersion": "v1", "kind": "PersistentVolume",
          "metadata": {"name": "pvc-1", "creationTimestamp": ts(20)},
          "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                   "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "standard",
                   "claimRef": {"namespace": "default", "name": "www-web-0"}},
          "status": {"phase": "Bound"}}
    assert cells(pv) == ["pvc-1", "1Gi", "RWO,ROX", "Delete", "Bound", "default/www-web-0",
                         "standard", "<unset>", "", "20s"]


def test_event_node_namespace_and_misc_rows():
    ev = {"apiVersion": "v1", "kind": "Event",
          "metadata": {"name": "web.1", "namespace": "default"},
          "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}"},
          "reason": "BackOff", "message": "Back-off restarting ", "type": "Warning",
          "source": {"component": "kubelet", "host": "worker-1"},
          "firstTimestamp": ts(120), "lastTimestamp": ts(5), "count": 4}
    assert cells(ev) == ["5s", "Warning", "BackOff", "pod/web", "Back-off restarting"]
    assert cells(ev, wide=True)[4:] == ["spec.containers{app}", "kubelet, worker-1",
                                        "Back-off restarting", "2m", "4", "web.1"]
    node = {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "cp-1", "creationTimestamp": ts(7200),
                         "labels": {"node-role.kubernetes.io/control-plane": ""}},
            "spec": {"unschedulable": True},
            "status": {"conditions": [{"type": "Ready", "status": "Unknown"}],
                       "nodeInfo": {"kubeletVersion": "v1.33.1"}}}
    assert cells(node) == ["cp-1", "NotReady,SchedulingDisabled", "control-plane", "120m",
                           "v1.33.1"]
    cr = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": 2,
          "metadata": {"name": "web-7c5ddbdf54", "creationTimestamp": ts(30),
                       "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet",
                                            "name": "web", "uid": "u", "controller": True}]}}
    assert cells(cr) == ["web-7c5ddbdf54", "statefulset.apps/web", "2", "30s"]
    sa = {"apiVersion": "v1", "kind": "ServiceAccount",
          "metadata": {"name": "default", "creationTimestamp": ts(30)}}
    assert printers.table("ServiceAccount", [sa], now=NOW) == (
        ["NAME", "SECRETS", "AGE"], [["default", "0", "30s"]])


def test_unknown_kind_gets_the_default_table():
    obj = {"kind": "Widget", "metadata": {"name": "w", "creationTimestamp": ts(0)}}
    assert printers.table("Widget", [obj], now=NOW) == (
        ["NAME", "CREATED AT"], [["w", ts(0)]])


def test_render_pads_like_kubectl_tabwriter():
    rows = [["NAME", "READY", "AGE"], ["a", "1/1", "5s"], ["long-name", "0/1", "1"]]
    text = printers.render(rows)
    assert text == ("NAME        READY   AGE\n"
                    "a           1/1     5s\n"
                    "long-name   0/1     1\n")
    # columns are at least 6 wide (kubectl's tabwriter minwidth)
    assert printers.render([["A", "B"], ["x", "y"]]) == "A     B\nx     y\n"
