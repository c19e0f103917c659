"""Evidence from a team's own post history: does a rule's flag go with lower engagement?

Layers, each usable alone: `history` reads a scheduler export (pure Python),
`stats` compares flagged with passed posts (numpy/scipy, the `report` extra),
`render` and `plot` present the result, `command` glues them to the lint engine.
"""
