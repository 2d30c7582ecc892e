"""What each candidate design costs a month and what it needs (shards, partitions, brokers, concurrency).

Every unit price comes from knowledge/pricing.yaml with its source; a price the knowledge lacks is a
visible gap in the estimate, never a zero. Designs are read only through the engine's public result
(``Evaluation.design.nodes``, ``Option.id``).
"""
