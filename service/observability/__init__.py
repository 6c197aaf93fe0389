"""What operators see: structured logs with request ids, Prometheus metrics, error levels."""
