"""Agency-check evaluation on the real BE&OE names (../shared/data/beoe_real_names.csv)."""
