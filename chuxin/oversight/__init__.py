"""The leading group's dashboard, snapshots and briefings."""
