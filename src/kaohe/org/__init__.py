"""Organisation: units (单位) in a tree, their leadership teams (领导班子) and people (干部 …)."""
