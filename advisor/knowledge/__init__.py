"""The knowledge graph: services, facts with sources, relations, patterns and interview questions."""

from advisor.knowledge.loader import load_knowledge

__all__ = ["load_knowledge"]
