"""The policy stage: judge references against a YAML allowlist policy and turn violations into findings."""
