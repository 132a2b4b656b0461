"""The service's defaults, importable without the service itself: ``fireenforce serve`` names them
in its help, and the other commands must not pay for importing FastAPI to build their parser."""

DEFAULT_MAX_BODY = 256 * 1024  # bytes: a case is a few kilobytes; a batch belongs to the CLI
