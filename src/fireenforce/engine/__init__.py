"""The decision engine: a case and its history to a step, with citations, penalty and procedure."""

from fireenforce.engine.decide import decide, decide_many
from fireenforce.engine.recall import freeze_collector

__all__ = ["decide", "decide_many", "freeze_collector"]
