"""Effect handlers of the registry, keyed by effect code (see `shebao.core.effects`)."""
