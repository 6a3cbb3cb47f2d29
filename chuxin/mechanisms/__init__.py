"""The register of institutional measures the campaign produced."""
