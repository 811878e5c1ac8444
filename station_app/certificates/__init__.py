"""Certificates of origin and labels: barcode reading, e-COO payloads, verification."""
