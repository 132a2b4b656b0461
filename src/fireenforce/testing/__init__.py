"""Tools for legal staff to test rulesets: example-case files and their pytest plugin."""

# Property-test kit (needs Hypothesis, so imported on first use).
_KIT = {
    "cases": "strategies", "rule_cases": "strategies", "fired_rule": "strategies", "decision_period": "strategies",
    "PROPERTIES": "properties", "severity": "properties",
}


def __getattr__(name: str) -> object:
    if name in _KIT:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_KIT[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
