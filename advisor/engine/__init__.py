"""The decision engine: walk the knowledge graph, check hard requirements, rank the rest."""
