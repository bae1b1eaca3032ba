"""Errors of the REST door itself, as metav1.Status bodies."""

from __future__ import annotations

from playground.sim.errors import ApiError


class Unauthorized(ApiError):
    code = 401
    reason = "Unauthorized"

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class UnsupportedMediaType(ApiError):
    code = 415
    reason = "UnsupportedMediaType"

    def __init__(self, content_type: str) -> None:
        super().__init__(
            f"the body of the request was in an unknown format - accepted media "
            f"types include: application/json-patch+json, "
            f"application/merge-patch+json, application/apply-patch+yaml, "
            f"application/strategic-merge-patch+json ({content_type})"
        )


class NoResource(ApiError):
    """The path names no resource: the real server's 404 with empty details."""

    code = 404
    reason = "NotFound"

    def __init__(self) -> None:
        super().__init__("the server could not find the requested resource")

    def status(self) -> dict:
        status = super().status()
        status["details"] = {}
        return status


class Expired(ApiError):
    code = 410
    reason = "Expired"

    def __init__(self, requested: int, oldest: int) -> None:
        super().__init__(f"too old resource version: {requested} ({oldest})")


class TooManyRequests(ApiError):
    """apierrors.NewTooManyRequests with the API server's own sentence (the max-in-flight and
    priority-and-fairness filters'): client-go waits `retry_after` seconds (the Retry-After
    header) and retries by itself."""

    code = 429
    reason = "TooManyRequests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many requests, please try again later.",
            details={"retryAfterSeconds": retry_after},
        )
        self.retry_after = retry_after
