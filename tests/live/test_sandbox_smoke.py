import pytest

from tests.live.conftest import client_for, console

pytestmark = pytest.mark.django_db


def test_it_runs_a_deployment_to_running_pods_on_the_page(alice, alice_sandbox):
    client = client_for(alice)
    out = console(client, alice_sandbox, "kubectl create deployment web --image=nginx --replicas=3")
    assert out == {"output": "deployment.apps/web created\n", "ok": True}
    assert console(client, alice_sandbox, "clock settle")["output"].startswith("settled after ")
    page = client.get(f"/sandboxes/{alice_sandbox.pk}/").content.decode()
    assert page.count('<span class="badge tone-ok">Running</span>') >= 3
    assert "Deployment web</a>" in page
