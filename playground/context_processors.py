from playground.selectors import notice_latest


def notice(request) -> dict:
    # The base layout renders the same "notice" partial that websocket pushes
    # re-render, so a fresh page and a live update always agree.
    return {"notice": notice_latest()}
