"""placeholder"""


def generate(campaign, *, seed=2019):
    return None
