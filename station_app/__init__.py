"""station_app: the edge application of a customs X-ray inspection station."""

__version__ = "0.1.0"
