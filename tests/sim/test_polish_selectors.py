"""A bad `-l`/`--field-selector` comes back from the server as 400 and kubectl's resource
builder (cli-runtime resource/selector.go) names the resource and both selectors."""

import pytest

from playground.sim.cluster import Cluster
from playground.sim.console import Console


@pytest.mark.parametrize("line, expected", [
    ("kubectl get pods -l 'a in (b'",
     'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
     "selector \"a in (b\", field selector \"\": unable to parse requirement: found '', "
     "expected: ',' or ')'"),
    ("kubectl get pods --field-selector=foo=bar",
     'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label '
     'selector "", field selector "foo=bar": field label not supported: foo'),
    ("kubectl delete deploy -l 'x y'",
     'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match '
     "label selector \"x y\", field selector \"\": unable to parse requirement: found 'y', "
     "expected: in, notin, =, ==, !=, gt, lt"),
])
def test_bad_selectors_are_wrapped_like_kubectls_builder(line, expected):
    result = Console(Cluster.new()).run(line)
    assert not result.ok
    assert result.output == expected + "\n"


def test_describe_and_logs_wrap_too():
    console = Console(Cluster.new())
    for line in ("kubectl describe pods -l '=x'", "kubectl logs -l '=x'"):
        assert console.run(line).output == (
            'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match '
            "label selector \"=x\", field selector \"\": found '=', expected: !, identifier, "
            "or 'end of string'\n")
