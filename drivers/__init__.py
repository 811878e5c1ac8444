"""Device drivers for station_app.

Drivers never import ``station_app``; the station finds them through the
entry-point group ``station_app.drivers`` so a vendor driver can live in a
package of its own.
"""
