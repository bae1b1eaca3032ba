"""Shared exercise documents for the exercise tests."""

from __future__ import annotations

from pathlib import Path

BROKEN_SERVICE = (Path(__file__).parent / "broken_service.yaml").read_text()

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""
