"""Property: any manifest, update or patch thrown at the API server ends in success or an
ApiError in Kubernetes' words (never another exception, never a 500), and the cluster
keeps reconciling and reloads from its store to the same state.

Hypothesis-drawn manifests (shrinkable) plus seeded batches from the same generator
shapes: about 9,000 requests; test_fuzz_console.py adds about 1,700 console lines.
"""

from __future__ import annotations

import copy
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.sim.errors import ApiError

from .fuzz_support import (
    FUZZ_SETTINGS,
    SEEDED_SETTINGS,
    Shared,
    check_api_error,
    json_values,
    manifests,
    random_manifest,
    random_value,
)

SHARED = Shared(every=400, limits={"max_objects": 600, "max_events": 300})


def attempt(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ApiError as exc:
        check_api_error(exc)
        return None


@settings(FUZZ_SETTINGS, max_examples=600)
@given(manifest=manifests(), dry_run=st.booleans())
def test_create_any_manifest(manifest, dry_run):
    attempt(SHARED.cluster.api.create, manifest, dry_run=dry_run)
    SHARED.tick()


@settings(FUZZ_SETTINGS, max_examples=300)
@given(manifest=manifests(), patch=manifests())
def test_create_then_update_with_anything(manifest, patch):
    api = SHARED.cluster.api
    created = attempt(api.create, manifest)
    if created is not None and isinstance(patch, dict):
        body = copy.deepcopy(patch)
        meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        body["metadata"] = {**meta, "name": created["metadata"]["name"],
                            "namespace": created["metadata"].get("namespace")}
        body["kind"], body["apiVersion"] = created["kind"], created["apiVersion"]
        attempt(api.update, body)
        attempt(api.update, body, subresource="status")
    SHARED.tick()


@settings(FUZZ_SETTINGS, max_examples=400)
@given(manifest=manifests(), patch=json_values,
       patch_type=st.sampled_from(["merge", "json", "strategic", "bogus"]),
       delete=st.booleans())
def test_patch_and_delete_with_anything(manifest, patch, patch_type, delete):
    api = SHARED.cluster.api
    created = attempt(api.create, manifest)
    if created is not None:
        meta = created["metadata"]
        attempt(api.patch, created["kind"], meta["name"], patch,
                namespace=meta.get("namespace"), patch_type=patch_type)
        if delete:
            attempt(api.delete, created["kind"], meta["name"], namespace=meta.get("namespace"),
                    propagation_policy="Foreground" if patch_type == "json" else None)
    SHARED.tick()


BATCH = 25


@settings(SEEDED_SETTINGS, max_examples=300)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_seeded_batches_of_requests(seed):
    """300 seeds x 25 requests (create, then update/patch/delete of what was created)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    api = SHARED.cluster.api
    for _ in range(BATCH):
        created = attempt(api.create, random_manifest(rng), dry_run=rng.random() < 0.1)
        if created is None:
            continue
        meta = created["metadata"]
        step = rng.randrange(4)
        if step == 0:
            body = random_manifest(rng)
            if isinstance(body, dict):
                body.update(kind=created["kind"], apiVersion=created["apiVersion"])
                body["metadata"] = {"name": meta["name"], "namespace": meta.get("namespace")}
                attempt(api.update, body, subresource=rng.choice([None, "status"]))
        elif step == 1:
            attempt(api.patch, created["kind"], meta["name"], random_value(rng),
                    namespace=meta.get("namespace"),
                    patch_type=rng.choice(["merge", "json", "strategic"]))
        elif step == 2:
            attempt(api.delete, created["kind"], meta["name"], namespace=meta.get("namespace"),
                    propagation_policy=rng.choice([None, "Foreground", "Orphan"]))
    SHARED.tick(reconcile_every=1)
