"""One dict setting per plugin, merged over the plugin's documented defaults."""

import difflib
from pathlib import Path

from .problems import Problem


def plugin_settings(settings: dict, name: str, defaults: dict) -> tuple[dict, list[Problem]]:
    """`defaults` updated with the `name` setting; unknown or mistyped keys come back as problems."""
    given = settings.get(name) or {}
    if not isinstance(given, dict):
        return dict(defaults), [
            config_problem(
                settings,
                name,
                f"the {name} setting must be a dict, not {type(given).__name__}",
                f"write it as {name} = {{...}} with the keys: {', '.join(sorted(defaults))}",
            )
        ]
    problems = []
    for key in given:
        if key not in defaults:
            close = difflib.get_close_matches(str(key), list(defaults), n=1)
            fix = f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(sorted(defaults))}"
            problems.append(config_problem(settings, str(key), f"{name} has an unknown key `{key}`", fix))
    return {**defaults, **{k: v for k, v in given.items() if k in defaults}}, problems


def config_problem(settings: dict, needle: str, message: str, fix: str) -> Problem:
    """A problem in the settings file, pointing at the first line that mentions `needle`."""
    config_file = _config_file(settings)
    return Problem(config_file, _line_of(config_file, needle), message, fix)


def _config_file(settings: dict) -> str:
    project = Path(settings.get("PATH", ".")).resolve().parent
    return str(project / "pelicanconf.py")


def _line_of(config_file: str, needle: str) -> int:
    try:
        lines = Path(config_file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 1
