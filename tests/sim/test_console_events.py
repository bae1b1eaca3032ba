"""`kubectl get events` (printers.go table, API order) and `kubectl events` (events.go)."""

from playground.sim import Cluster
from playground.sim.console import Console


def setup():
    console = Console(Cluster.new())
    cluster = console.cluster
    ns = cluster.api.get("Namespace", "default")
    cluster.event(ns, "Warning", "Odd", "first thing", component="tester")
    cluster.advance(30)
    cluster.event(ns, "Normal", "Fine", "second thing", component="tester")
    cluster.event(ns, "Warning", "Odd", "first thing", component="tester")
    cluster.advance(10)
    return console


def test_get_events_table_shows_last_seen_only():
    console = setup()
    lines = console.run("kubectl get events --field-selector reason=Odd").output.splitlines()
    assert lines == ["LAST SEEN   TYPE      REASON   OBJECT              MESSAGE",
                     "10s         Warning   Odd      namespace/default   first thing"]
    wide = console.run("kubectl get events -o wide --field-selector reason=Odd").output
    assert wide.splitlines()[0].split() == [
        "LAST", "SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST",
        "SEEN", "COUNT", "NAME"]
    assert "tester   first thing   40s          2       default." in wide


def test_kubectl_events_sorts_by_time_and_shows_repeats():
    console = setup()
    console.cluster.event(console.cluster.api.get("Namespace", "default"), "Normal", "Later",
                          "third thing", component="tester")
    assert console.run("kubectl events").output == (
        "LAST SEEN           TYPE      REASON   OBJECT              MESSAGE\n"
        "10s (x2 over 40s)   Warning   Odd      Namespace/default   first thing\n"
        "10s                 Normal    Fine     Namespace/default   second thing\n"
        "0s                  Normal    Later    Namespace/default   third thing\n")
    assert console.run("kubectl events --types=warning --no-headers").output == \
        "10s (x2 over 40s)   Warning   Odd   Namespace/default   first thing\n"
    assert console.run("kubectl events -n kube-public").output == \
        "No events found in kube-public namespace.\n"
