"""Seed data: validated, human-editable files loaded into the record, and exported back.

`load_seeds` checks every file before writing anything and upserts by slug or natural
key in one transaction; `export` writes the record in the same format and layout.
"""

from service.seeds.export import ExportReport, export
from service.seeds.loader import apply_seeds, is_empty, load_seeds
from service.seeds.parse import collect_seeds
from service.seeds.problems import Problem, SeedError
from service.seeds.report import LoadReport

__all__ = [
    "ExportReport",
    "LoadReport",
    "Problem",
    "SeedError",
    "apply_seeds",
    "collect_seeds",
    "export",
    "is_empty",
    "load_seeds",
]
