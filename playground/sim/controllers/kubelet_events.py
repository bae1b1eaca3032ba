"""How the kubelet's events point at containers, and the timeline sentences they become.

Events about a container carry `involvedObject.fieldPath` `spec.containers{name}` (or
`spec.initContainers{name}`), as pkg/kubelet/container/ref.go GenerateContainerRef builds it.
"""

from __future__ import annotations

from ..objects import get_path


def field_path(pod: dict, container: str | None) -> str | None:
    if not container:
        return None
    inits = {c["name"] for c in get_path(pod, "spec", "initContainers", default=[]) or []}
    return f"spec.initContainers{{{container}}}" if container in inits else (
        f"spec.containers{{{container}}}")


def sentence(reason: str, message: str, container: str | None) -> str:
    if reason == "Pulled" and "already present" in message:
        return f"image already on the node; starting container {container}"
    if reason == "Pulled":
        took = message.split(" in ", 1)[1].split(" (", 1)[0]
        image = message.split('"')[1]
        return f"image {image} pulled in {took}; starting container {container}"
    if reason == "Pulling":
        return f"pulling image {message.split(chr(34))[1]} for container {container}"
    if reason == "Failed" and message.startswith("Failed to pull"):
        return f"could not pull image {message.split(chr(34))[1]}: ErrImagePull"
    if reason == "BackOff" and "pulling" in message:
        return f"waiting before pulling image {message.split(chr(34))[1]} again (ImagePullBackOff)"
    if reason == "BackOff":
        return ""
    if reason in ("Started", "Created", "Failed") and message.startswith(("Created", "Error: Err",
                                                                           "Error: Image")):
        return ""
    if reason == "Started":
        return f"started container {container}"
    return message
