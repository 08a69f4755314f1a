"""Digital presenter: a talking head lip-synced to a variant's voice-over line, from local model folders."""
