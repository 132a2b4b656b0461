"""Rulesets: law and policy as versioned YAML, validated and compiled into an immutable index."""
