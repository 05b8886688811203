"""`_headers`, the headers file of Netlify and Cloudflare Pages, written once per build by the core from the
rules plugins declare.

A plugin declares the headers it needs for a path pattern with
`current_build(settings).declare_headers(pattern, headers, by=..., setting=...)` at any point up to the
end of `before_publish`; the core then writes the file once (`publish` in build.py). No plugin reads or
appends to the file, so leaving a plugin out of PLUGINS leaves out only its own rules, and the file is the
same whatever order the plugins are listed and run in:

- rules go from the general to the particular: a pattern ending in `*` comes before every pattern it
  covers (`/*`, then `/admin/*`, then `/admin/config.yml`), others in the order of their text. A host gives
  a path the headers of every rule that matches it, the later rule's value of a header in place of the
  earlier's (Netlify), so the narrower rule's value is the one served;
- one block per pattern: when several plugins give headers for one pattern, each plugin's come in the order
  it gave them, the plugins in the order of their names, and each plugin's note (comment lines) above;
- a header given twice for one pattern with the same value is written once; with two different values it is
  a problem, reported at the setting of each plugin that gave it. Either choice the core could make on its
  own is wrong: taking one value would be an order between plugins again, hidden in the core, and joining
  the two (as Cloudflare Pages joins a repeated header) means something different for every header: two
  Content-Security-Policies both apply, so the pages get less than either plugin asked for, and
  X-Frame-Options takes no list at all. The people who set the settings decide.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem
from .settings import config_problem

HEADERS_FILE = "_headers"
# RFC 9110's token: what a header's name may be made of.
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@dataclass(frozen=True)
class HeaderRule:
    """Headers one plugin wants for the paths `pattern` matches (`/*`, `/admin/*`, `/robots.txt`)."""

    pattern: str
    headers: tuple[tuple[str, str], ...]
    by: str
    setting: str
    note: str = ""


def general_first(pattern: str) -> tuple[str, int]:
    """The order of rules: a pattern `P*` before `P` and everything else that starts with `P`."""
    return (pattern[:-1], 0) if pattern.endswith("*") else (pattern, 1)


class HeaderRules:
    """Every rule declared in one build, and the file they make."""

    def __init__(self) -> None:
        self._rules: list[HeaderRule] = []
        self._written = False

    def declare(
        self, pattern: str, headers: dict[str, str], *, by: str, setting: str, note: str = ""
    ) -> None:
        if self._written:
            raise RuntimeError(
                f"{by} declared headers for {pattern} after {HEADERS_FILE} was written: declare them by the "
                "end of site_core.before_publish"
            )
        if not pattern.startswith("/") or any(character.isspace() for character in pattern):
            raise ValueError(f"{by}: a {HEADERS_FILE} pattern is a path from /, without spaces: {pattern!r}")
        for name in headers:
            if not HEADER_NAME.fullmatch(name):
                raise ValueError(f"{by}: {name!r} is not a header name")
        rule = HeaderRule(pattern, tuple(headers.items()), by, setting, note.strip("\n"))
        self._rules.append(rule)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def _by_pattern(self) -> dict[str, list[HeaderRule]]:
        grouped: dict[str, list[HeaderRule]] = {}
        for rule in self._rules:
            grouped.setdefault(rule.pattern, []).append(rule)
        # sorted() keeps one plugin's rules in the order it declared them.
        return {
            pattern: sorted(grouped[pattern], key=lambda rule: rule.by)
            for pattern in sorted(grouped, key=general_first)
        }

    def problems(self, settings: dict) -> list[Problem]:
        """A value that would break the file, and a header given two values for one pattern."""
        found = []
        for pattern, rules in self._by_pattern().items():
            given: dict[str, tuple[HeaderRule, str, str]] = {}
            for rule in rules:
                for name, value in rule.headers:
                    if "\n" in value or "\r" in value:
                        found.append(
                            config_problem(
                                settings,
                                rule.setting,
                                "",
                                f"the {name} header {by_whom(rule)} for {pattern} has a line break in it",
                                "write the value on one line",
                            )
                        )
                    first, first_name, value_before = given.setdefault(name.lower(), (rule, name, value))
                    if value_before == value:
                        continue
                    for where in dict.fromkeys((first, rule)):
                        found.append(
                            config_problem(
                                settings,
                                where.setting,
                                "",
                                f"{HEADERS_FILE} would give {pattern} two {first_name} headers: "
                                f"{value_before!r} {by_whom(first)} and {value!r} {by_whom(rule)}",
                                "give it one value: change one of those settings, or leave one of those "
                                "plugins out of PLUGINS",
                            )
                        )
        return found

    def text(self) -> str:
        """The file: one block per pattern, general before particular (see the module's notes)."""
        blocks = []
        for pattern, rules in self._by_pattern().items():
            notes = [rule.note for rule in rules if rule.note]
            lines = [f"# {line}".rstrip() for note in dict.fromkeys(notes) for line in note.splitlines()]
            lines.append(pattern)
            written: set[str] = set()
            for rule in rules:
                for name, value in rule.headers:
                    if name.lower() not in written:
                        written.add(name.lower())
                        lines.append(f"  {name}: {value}")
            blocks.append("\n".join(lines) + "\n")
        return "\n".join(blocks)

    def seal(self) -> None:
        """No rule may be declared from now on: one declared too late would be left out without a word."""
        self._written = True

    def write(self, output: Path) -> None:
        """`_headers` in `output`, once; nothing when no plugin declared a rule."""
        self.seal()
        if self._rules:
            (Path(output) / HEADERS_FILE).write_text(self.text(), encoding="utf-8")


def by_whom(rule: HeaderRule) -> str:
    return f"(from {rule.by}, {rule.setting})"
