"""The command-line layer: one module per command, each thin over the library."""
