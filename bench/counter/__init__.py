"""`bench/counter`: the counter's general-item path over HTTP on durable PostgreSQL (see `run.py`)."""
