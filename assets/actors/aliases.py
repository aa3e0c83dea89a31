"""The alias table analysts edit (warehouse/aliases.csv): merge, rename, split, ignore.

Format (a CSV file; lines starting with # are comments):
    action,name,target,actor_type
    merge,U.S.,United States,place      mentions written `name` (or an actor resolved to it) join `target`
    rename,Xi,Xi Jinping,               the actor resolved to `name` is shown and identified as `target`
    split,Jordan,Michael Jordan,person  mentions written `name` form an actor of their own (`target`,
                                        or `name`) that the automatic rules never merge
    ignore,Reuters,,                    `name` is never an actor
Names compare case-, accent- and dot-insensitively ("U.S." = "us" = "US"); actor_type (person,
organization or place) is optional and forces the type of `target`.
"""

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from assets.actors.names import name_key
from assets.edited_csv import read_edited_csv


ALIAS_ACTIONS = {"merge", "rename", "split", "ignore"}


def read_aliases(path: Path) -> pl.DataFrame:
    """The alias table: action, name, target, actor_type (lines starting with # are comments)."""
    frame = read_edited_csv(path, ["action", "name", "target", "actor_type"]).with_columns(
        pl.col("action", "actor_type").str.to_lowercase()
    )
    bad = frame.filter(~pl.col("action").is_in(list(ALIAS_ACTIONS)) | pl.col("name").is_null())
    if bad.height:
        raise ValueError(f"alias table {path}: unknown action or empty name in rows {bad.rows()}")
    return frame


@dataclass
class AliasRules:
    merge: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # key -> (name, type)
    rename: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    split: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)


def alias_rules(aliases: pl.DataFrame) -> AliasRules:
    rules = AliasRules()
    for action, name, target, actor_type in aliases.iter_rows():
        key = name_key(name)
        if action == "ignore":
            rules.ignore.add(key)
        else:
            getattr(rules, action)[key] = (target or name, actor_type or None)
    return rules
