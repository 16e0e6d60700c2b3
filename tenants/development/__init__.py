"""Member development (发展党员): the 25-step admission workflow of one person, enforced by
a rule engine that blocks a step whose preconditions fail and says which rule and by how much."""
