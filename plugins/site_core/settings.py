"""One dict setting per plugin, merged over the plugin's documented defaults.

A plugin describes its setting as a frozen dataclass whose fields are the keys and whose defaults are the
documented defaults; `parse_options` gives an instance and the problems with what was written. A problem
names the settings file and line that set the key: the file given to `pelican -s` when it assigns the
setting itself, otherwise the file it takes its settings from (`from pelicanconf import *`).
"""

import ast
import dataclasses
import difflib
import sys
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from .problems import Problem

DEFAULT_SETTINGS_FILE = "pelicanconf.py"
Options = TypeVar("Options")


def merge_options(
    settings: dict, name: str, defaults: dict, settings_file: Path | None = None
) -> tuple[dict, list[Problem]]:
    """`defaults` updated with the `name` setting; unknown keys and values of the wrong type come back as
    problems (the default stands in for a wrong value). `settings_file` is the file the settings were read
    from, when that is not the one the `pelican` command was given (a command of the project's own)."""
    given = settings.get(name) or {}
    if not isinstance(given, dict):
        return dict(defaults), [
            config_problem(
                settings,
                name,
                name,
                f"the {name} setting must be a dict, not {type(given).__name__}",
                f"write it as {name} = {{...}} with the keys: {', '.join(sorted(defaults))}",
                settings_file=settings_file,
            )
        ]
    problems = []
    merged = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            close = difflib.get_close_matches(str(key), list(defaults), n=1)
            fix = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(sorted(defaults))}"
            problems.append(
                config_problem(
                    settings, name, str(key), f"{name} has an unknown key `{key}`", fix, settings_file
                )
            )
        elif _wrong_type(defaults[key], value):
            wanted = type(defaults[key]).__name__
            problems.append(
                config_problem(
                    settings,
                    name,
                    str(key),
                    f"{name} `{key}` must be a {wanted}, not {value!r}",
                    f"write it as {key!r}: {defaults[key]!r} (the default) or another {wanted}",
                    settings_file=settings_file,
                )
            )
        else:
            merged[key] = value
    return merged, problems


def _wrong_type(default, value) -> bool:
    """Only simple defaults say what type a key takes: True/False, a number, a text."""
    if isinstance(default, bool):
        return not isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, bool) or not isinstance(value, int | float)
    if isinstance(default, str):
        return not isinstance(value, str)
    return False


def parse_options(settings: dict, name: str, schema: type[Options]) -> tuple[Options, list[Problem]]:
    """The `name` setting as an instance of the frozen dataclass `schema`, and what is wrong with it."""
    defaults = {
        field.name: field.default if field.default is not dataclasses.MISSING else field.default_factory()
        for field in dataclasses.fields(schema)
    }
    merged, problems = merge_options(settings, name, defaults)
    frozen = {
        key: MappingProxyType(value) if isinstance(value, dict) else value for key, value in merged.items()
    }
    return schema(**frozen), problems


def config_problem(
    settings: dict, setting: str, needle: str, message: str, fix: str, settings_file: Path | None = None
) -> Problem:
    """A problem in the settings file that sets `setting`, on the first line of it that mentions `needle`."""
    path, line = locate_setting(settings, setting, needle, settings_file)
    return Problem(path, line, message, fix)


def locate_setting(
    settings: dict, setting: str, needle: str = "", settings_file: Path | None = None
) -> tuple[str, int]:
    """(file, line) where `setting` is assigned, searching the file Pelican was given first."""
    chain = settings_files(settings, settings_file)
    for path in chain:
        span = _assignments(str(path)).get(setting)
        if span is None:
            continue
        first, last = span
        lines = path.read_text(encoding="utf-8").splitlines()[first - 1 : last]
        found = next(
            (first + offset for offset, text in enumerate(lines) if needle and needle in text), first
        )
        return str(path), found
    return str(chain[0] if chain else Path(DEFAULT_SETTINGS_FILE)), 1


def settings_files(settings: dict, settings_file: Path | None = None) -> list[Path]:
    """The settings file of this build, then each file it takes its settings from with `import *`."""
    project = Path(settings.get("PATH", ".")).resolve().parent
    current = settings_file or _command_line_settings(project) or project / DEFAULT_SETTINGS_FILE
    chain: list[Path] = []
    while current is not None and current.is_file() and current not in chain:
        chain.append(current)
        current = _star_import(current)
    return chain


def _command_line_settings(project: Path) -> Path | None:
    """The `-s FILE` of the `pelican` command, when it names a file of this project."""
    arguments = sys.argv[1:]
    for index, argument in enumerate(arguments):
        value = None
        if argument in ("-s", "--settings") and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--settings="):
            value = argument.partition("=")[2]
        if value:
            path = Path(value).resolve()
            if path.parent == project and path.suffix == ".py" and path.is_file():
                return path
    return None


def _star_import(path: Path) -> Path | None:
    for node in _tree(str(path)).body:
        if isinstance(node, ast.ImportFrom) and node.module and any(a.name == "*" for a in node.names):
            candidate = path.parent / f"{node.module}.py"
            if candidate.is_file():
                return candidate
    return None


def _tree(path: str) -> ast.Module:
    try:
        return ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ast.Module(body=[], type_ignores=[])


def _assignments(path: str) -> dict[str, tuple[int, int]]:
    """Top-level names the file assigns, with the lines of their last assignment."""
    found = {}
    for node in _tree(path).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = (node.lineno, node.end_lineno or node.lineno)
    return found
