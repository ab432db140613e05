"""Checks: the template's consistency rules, constraint-guided repair, soft checks."""
