"""The running process: command line, configuration, HTTP server, logs, metrics, scheduler and `doctor`, and
what keeps acks first under load."""
