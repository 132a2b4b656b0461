"""The decision engine: a case and its history to a step, with citations, penalty and procedure."""

from fireenforce.engine.decide import decide, decide_many

__all__ = ["decide", "decide_many"]
