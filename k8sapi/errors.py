"""Errors of the REST door itself, as metav1.Status bodies."""

from __future__ import annotations

from playground.sim.errors import ApiError


class Unauthorized(ApiError):
    code = 401
    reason = "Unauthorized"

    def __init__(self) -> None:
        super().__init__("Unauthorized")


# the patch handler's accepted types, in the order its 415 message names them
PATCH_MEDIA_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
)


class UnsupportedMediaType(ApiError):
    """negotiation.NewUnsupportedMediaTypeError: a body of a type the path does not take
    (the patch handler also names the type it got)."""

    code = 415
    reason = "UnsupportedMediaType"

    def __init__(self, accepted: tuple[str, ...], content_type: str | None = None) -> None:
        message = (
            "the body of the request was in an unknown format - accepted media types "
            "include: " + ", ".join(accepted)
        )
        super().__init__(message if content_type is None else f"{message} ({content_type})")


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
