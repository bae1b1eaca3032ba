"""Two users never see or drive each other's sandboxes: 404 on every door (pages,
commands, forms, websockets); staff may look, read-only (403 on every write)."""

import pytest
from websockets.exceptions import InvalidStatus

from playground.models import Sandbox
from tests.live.conftest import client_for
from tests.live.support import open_sandbox_socket

GET_DOORS = ["/sandboxes/{id}/", "/sandboxes/{id}/object?kind=Node&name=worker-1"]
POST_DOORS = [
    ("/sandboxes/{id}/console", {"line": "kubectl delete deploy --all"}),
    (
        "/sandboxes/{id}/apply",
        {"manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"},
    ),
    ("/sandboxes/{id}/clock", {"action": "pause"}),
    ("/sandboxes/{id}/fault", {"action": "stop-node", "name": "worker-1"}),
    ("/sandboxes/{id}/reset", {}),
    ("/sandboxes/{id}/rename", {"name": "mine"}),
    ("/sandboxes/{id}/delete", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("door", GET_DOORS)
def test_it_hides_a_sandbox_page_from_another_user(alice_sandbox, bob, door):
    assert client_for(bob).get(door.format(id=alice_sandbox.pk)).status_code == 404
    assert client_for().get(door.format(id=alice_sandbox.pk)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("door", "data"), POST_DOORS)
def test_it_refuses_every_write_from_another_user(alice_sandbox, bob, door, data):
    before = alice_sandbox.resource_version
    for client in (client_for(bob), client_for()):
        assert client.post(door.format(id=alice_sandbox.pk), data).status_code == 404
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    assert (sandbox.name, sandbox.resource_version, sandbox.paused) == ("lab", before, False)


@pytest.mark.django_db
@pytest.mark.parametrize(("door", "data"), POST_DOORS)
def test_it_lets_staff_look_but_not_drive(alice_sandbox, staff, door, data):
    client = client_for(staff)
    assert client.get(f"/sandboxes/{alice_sandbox.pk}/").status_code == 200
    assert client.post(door.format(id=alice_sandbox.pk), data).status_code == 403


@pytest.mark.django_db
def test_it_lists_only_your_own_sandboxes(alice_sandbox, bob):
    page = client_for(bob).get("/sandboxes/").content.decode()
    assert f"/sandboxes/{alice_sandbox.pk}/" not in page
    assert (
        f"/sandboxes/{alice_sandbox.pk}/"
        in client_for(alice_sandbox.owner).get("/sandboxes/").content.decode()
    )


@pytest.mark.django_db
def test_a_visitor_cannot_reach_another_visitors_sandbox():
    first, second = client_for(), client_for()
    mine = first.post("/sandboxes/open")["Location"]
    assert first.get(mine).status_code == 200
    assert second.get(mine).status_code == 404
    theirs = second.post("/sandboxes/open")["Location"]
    assert theirs != mine


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_websocket_refuses_other_users_and_admits_owner_and_staff(
    asgi_server, alice, bob, staff
):
    from playground import sandboxes

    sandbox = sandboxes.sandbox_create(name="lab", owner=alice)
    for stranger in (client_for(bob), client_for()):
        with pytest.raises(InvalidStatus):
            open_sandbox_socket(asgi_server, sandbox.pk, stranger)
    for allowed in (client_for(alice), client_for(staff)):
        with open_sandbox_socket(asgi_server, sandbox.pk, allowed) as socket:
            assert 'id="cluster-map"' in socket.recv(timeout=10)
    with pytest.raises(InvalidStatus):
        open_sandbox_socket(asgi_server, 999999, client_for(alice))
