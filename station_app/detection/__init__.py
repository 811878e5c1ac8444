"""Finding things in a parcel: the ONNX detector, rule alarms and triage.

Submodules are imported explicitly (``from station_app.detection.alarms import
AlarmRules``) so that importing the package does not load ONNX Runtime.
"""
