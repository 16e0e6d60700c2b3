"""The demo data (``manage.py seed_demo``): on the wiring floor, since it fills every other floor."""
