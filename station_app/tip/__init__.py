"""Threat image projection (TIP): fictional threats shown in live parcels to keep
inspectors' attention measured. See docs/tip.md."""
