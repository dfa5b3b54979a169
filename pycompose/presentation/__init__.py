"""How pycompose looks at the edge: progress sinks, dry-run lines, log view, colours and tables (rich, lazily)."""
