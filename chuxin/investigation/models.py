"""Research topics led by leading cadres, their activities, findings and reports."""
