"""Guidance teams, their assigned units, visits, findings and ratings."""
