"""The public's portal: opinions, tracking codes, public results, satisfaction."""
