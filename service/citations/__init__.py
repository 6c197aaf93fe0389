"""Citations: a source and its exact quote backing a claim about a record."""
