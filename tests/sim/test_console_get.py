"""`kubectl get` through the console: exact outputs in kubectl's layout."""

import json

import pytest
import yaml

from playground.sim import Cluster
from playground.sim.clock import human_duration
from playground.sim.console import Console
from playground.sim.objects import parse_time


@pytest.fixture
def console():
    return Console(Cluster.new())


def cm(name, ns="default", **labels):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": ns, "labels": labels}, "data": {"k": "v"}}


def age(console, kind, name):
    created = console.cluster.api.get(kind, name)["metadata"]["creationTimestamp"]
    return human_duration(console.cluster.clock.now - parse_time(created))


def test_get_nodes_table(console):
    created = parse_time(console.cluster.api.get("Node", "cp-1")["metadata"]["creationTimestamp"])
    console.cluster.advance(created + 200 - console.cluster.clock.now)  # nodes are 3m20s old
    result = console.run("kubectl get nodes")
    assert result.ok
    assert age(console, "Node", "cp-1") == "3m20s"
    w1, w2 = age(console, "Node", "worker-1"), age(console, "Node", "worker-2")
    assert len(w1) == len(w2) == 5  # joined a little later, e.g. 2m55s
    assert result.output == (
        "NAME       STATUS   ROLES           AGE     VERSION\n"
        "cp-1       Ready    control-plane   3m20s   v1.33.1\n"
        f"worker-1   Ready    <none>          {w1}   v1.33.1\n"
        f"worker-2   Ready    <none>          {w2}   v1.33.1\n")


def test_k_alias_global_flag_before_verb_and_ages_follow_the_clock(console):
    console.cluster.advance(125)
    expected = age(console, "Namespace", "kube-system")
    assert console.run("k -n kube-system get ns kube-system").output == (
        "NAME          STATUS   AGE\n"
        f"kube-system   Active   {expected}\n")


def test_empty_list_message_and_all_namespaces(console):
    result = console.run("kubectl get cm -n kube-public -l app=none")
    assert (result.ok, result.output) == (True, "No resources found in kube-public namespace.\n")
    assert console.run("kubectl get pvc -A").output == "No resources found\n"


def test_all_namespaces_adds_namespace_column_and_labels(console):
    console.cluster.api.create(cm("a", app="web"))
    console.cluster.api.create({"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": "dev"}})
    console.cluster.api.create(cm("b", "dev"))
    out = console.run("kubectl get cm -A -l app=web --show-labels -L app").output
    assert out == ("NAMESPACE   NAME   DATA   AGE   APP   LABELS\n"
                   "default     a      1      0s    web   app=web\n")


def test_several_kinds_get_kind_prefixes_and_blank_line(console):
    console.cluster.api.create(cm("a"))
    out = console.run("kubectl get cm,sa -n default").output
    ca, sa = age(console, "ConfigMap", "kube-root-ca.crt"), age(console, "sa", "default")
    assert out == ("NAME                         DATA   AGE\n"
                   "configmap/a                  1      0s\n"
                   f"configmap/kube-root-ca.crt   1      {ca}\n"
                   "\n"
                   "NAME                     SECRETS   AGE\n"
                   f"serviceaccount/default   0         {sa}\n")


def test_output_name_and_single_object_yaml(console):
    console.cluster.api.create(cm("a"))
    assert console.run("kubectl get cm a -o name").output == "configmap/a\n"
    doc = yaml.safe_load(console.run("kubectl get cm a -o yaml").output)
    assert doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "a"
    text = console.run("kubectl get configmap/a -o yaml").output
    assert text.startswith("apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n")
    assert '  resourceVersion: "' in text


def test_list_output_is_a_v1_list(console):
    console.cluster.api.create(cm("a", ns="kube-public"))
    text = console.run("kubectl get cm a -n kube-public -o yaml --show-labels").output
    assert text.startswith("apiVersion: v1\ndata:")
    listed = console.run("kubectl get cm -n kube-public -o yaml").output
    assert listed.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n")
    assert listed.endswith("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    empty = json.loads(console.run("kubectl get deploy -n kube-public -o json").output)
    assert empty == {"apiVersion": "v1", "items": [], "kind": "List",
                     "metadata": {"resourceVersion": ""}}


def test_json_output_is_indented_with_four_spaces(console):
    out = console.run("kubectl get ns default -o json").output
    assert out.startswith('{\n    "apiVersion": "v1",\n    "kind": "Namespace",\n')


def test_jsonpath_output(console):
    out = console.run("kubectl get nodes -o jsonpath={.items[*].metadata.name}").output
    assert out == "cp-1 worker-1 worker-2"
    out = console.run(
        "kubectl get nodes -o 'jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}'").output
    assert out == "cp-1\nworker-1\nworker-2\n"
    ip = console.run(
        "kubectl get node cp-1 -o jsonpath='{.status.addresses[?(@.type==\"InternalIP\")]"
        ".address}'").output
    assert ip == "172.18.0.2"


def test_errors_read_like_kubectl(console):
    result = console.run("kubectl get foo")
    assert (result.ok, result.output) == (
        False, 'error: the server doesn\'t have a resource type "foo"\n')
    assert console.run("kubectl get deploy web").output == \
        'Error from server (NotFound): deployments.apps "web" not found\n'
    assert console.run("kubectl get pods --foo").output == \
        "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"
    assert console.run("kubectl get pods -n").output == \
        "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n"
    assert console.run("kubectl frobnicate").output == \
        'error: unknown command "frobnicate" for "kubectl"\n'
    assert console.run("kubectl gte pods").output == \
        'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n'
    assert console.run("kubectl get pods -o foo").output.startswith(
        'error: unable to match a printer suitable for the output format "foo"')
    assert console.run("kubectl get").output.startswith(
        "You must specify the type of resource to get.")


def test_found_objects_print_before_not_found_errors(console):
    result = console.run("kubectl get ns default nope")
    assert result.output == ("NAME      STATUS   AGE\n"
                             f"default   Active   {age(console, 'ns', 'default')}\n"
                             'Error from server (NotFound): namespaces "nope" not found\n')
    assert not result.ok


def test_wide_events_and_sort_by(console):
    console.cluster.api.create(cm("b"))
    console.cluster.advance(5)
    console.cluster.api.create(cm("a"))
    out = console.run("kubectl get cm --sort-by=.metadata.creationTimestamp -o name").output
    assert out.splitlines()[-2:] == ["configmap/b", "configmap/a"]


def test_endpoints_reads_carry_the_v133_deprecation_warning(console):
    out = console.run("kubectl get endpoints kubernetes -o name").output
    assert out == ("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 "
                   "EndpointSlice\nendpoints/kubernetes\n")
    assert "Warning" not in console.run("kubectl get endpointslices -o name").output
