import pytest

from tests.live.conftest import client_for, console

pytestmark = pytest.mark.django_db


def test_it_runs_a_command_and_settles(alice, alice_sandbox):
    client = client_for(alice)
    assert client.get(f"/sandboxes/{alice_sandbox.pk}/").status_code == 200
    out = console(client, alice_sandbox, "kubectl create deployment web --image=nginx --replicas=3")
    assert out == {"output": "deployment.apps/web created\n", "ok": True}
    print(console(client, alice_sandbox, "clock settle"))
    print(console(client, alice_sandbox, "kubectl get pods -o wide")["output"])
    page = client.get(f"/sandboxes/{alice_sandbox.pk}/").content.decode()
    assert page.count('class="pod tone-ok"') >= 3
