"""Keeping in sync with central customs services.

``worker.SyncWorker`` drains the station outbox through ``client.CentralClient``;
``schemas`` is the wire contract (docs/api/openapi.yaml) shared with ``hub``, the
reference central service (FastAPI, imported only by ``station-app hub`` and tests).
Nothing is imported here so the station never loads FastAPI by accident.
"""
