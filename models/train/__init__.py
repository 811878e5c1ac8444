"""Training data for the item detector: simulator parcels through the station's own imaging.

``labels``: the detector's classes in their fixed order with display names;
``dataset``: COCO / YOLO datasets of (A_high, A_low, Zeff) images
(``python -m models.train.dataset --help``). Neither needs PyTorch.
"""
