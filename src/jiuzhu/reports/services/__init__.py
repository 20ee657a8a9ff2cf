"""Every write of the reports app: snapshots (snapshots.py) and targets (targets.py)."""
