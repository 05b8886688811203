"""Split a Markdown file into its YAML front matter and body, keeping the line of every key."""

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from site_core import LineError

from .slips import (
    QUOTES,
    TAB_SPACE,
    Opened,
    Slip,
    find_slip,
    list_item_slip,
    never_closed,
    runs_on_past_its_key,
)

logger = logging.getLogger(__name__)

FENCE = "---"
CLOSING_FENCES = ("---", "...")


class SourceError(LineError):
    """The file cannot be read as front matter plus Markdown at all."""


@dataclass
class Entry:
    """One front-matter key with its YAML node and the file line it stands on."""

    key: str
    node: Node
    line: int


@dataclass
class Source:
    entries: dict[str, Entry]
    body: str
    body_line: int
    duplicate_keys: list[Entry] = field(default_factory=list)


def node_line(node: Node, first_yaml_line: int) -> int:
    return first_yaml_line + node.start_mark.line


def decode(raw: bytes) -> str:
    """UTF-8 text with any byte-order mark dropped and every line ending made `\\n`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError(
            line,
            f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
            "save the file as UTF-8 (most editors offer it under 'Save with encoding')",
        ) from error
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> tuple[str, str, int]:
    """(YAML text, Markdown body, file line where the body starts)."""
    if not text.strip():
        raise SourceError(
            1,
            "the file is empty",
            "start it with a header between '---' lines (title, date, category), then the text",
        )
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise SourceError(
            1,
            "the file does not begin with a header",
            "make the first line '---', then the keys (title, date, category, …), then '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in CLOSING_FENCES:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceError(
        1,
        "the header opened by '---' on line 1 is never closed",
        "add a line '---' after the last key of the header, before the article text",
    )


def explain(error: yaml.MarkedYAMLError, yaml_text: str) -> tuple[int, str, str]:
    """(the line of the YAML where the slip is, what is wrong, how to fix it). The slip is found by reading
    the lines again (`slips.find_slip`): PyYAML reports an unclosed quote where it gave up, often at the next
    quoted value. A slip that reader does not know is said from PyYAML's account, in an author's words."""
    lines = yaml_text.split("\n")
    mark = error.problem_mark or error.context_mark
    gave_up = mark.line if mark is not None else len(lines)
    slip = find_slip(lines)
    if slip is not None and slip.index <= gave_up:
        return slip.index, slip.message, slip.fix
    logger.debug("the header is not valid YAML: %s", error)
    return as_yaml_said(error)


def as_yaml_said(error: yaml.MarkedYAMLError) -> tuple[int, str, str]:
    """PyYAML's account of a header it cannot read, at its line, in words an author knows."""
    problem = error.problem or ""
    mark = error.problem_mark or error.context_mark
    index = mark.line if mark is not None else 0
    if "'\\t'" in problem:
        return index, *TAB_SPACE
    character = re.search(r"found character '(.)' that cannot start any token", problem)
    if character:
        return (
            index,
            f"a value cannot begin with `{character.group(1)}` unless it is in quotes",
            "put the whole value in double quotes",
        )
    if problem.startswith("mapping values are not allowed"):
        return (
            index,
            "a colon followed by a space cannot stand here",
            "if the colon is part of the text, put the whole value in double quotes; if it ends a key, start "
            "that key on a line of its own, in line with the keys above",
        )
    if "could not find expected ':'" in problem and error.context_mark is not None:
        return (
            error.context_mark.line,
            "this line is not a `key: value` line",
            "begin it with its key and a colon (`summary: …`); if it goes on from the line above, indent it "
            "further than that line's key",
        )
    return (
        index,
        "the header cannot be read from this line on",
        "check the indentation (keys at the left edge, list items indented under their key, a source's "
        "`url:` in line with its `title:`), and put text that contains `: `, ` #` or quotes in double quotes",
    )


def swallowed_keys(key_node: Node, value_node: Node, lines: list[str]) -> Slip | None:
    """A quote or bracket never closed on its line, whose value YAML (more lenient than its own rules) ran
    on over the keys below until a later quote or bracket happened to close it."""
    start, end = value_node.start_mark, value_node.end_mark
    quoted = isinstance(value_node, ScalarNode) and bool(value_node.style) and value_node.style in QUOTES
    bracketed = isinstance(value_node, (SequenceNode, MappingNode)) and value_node.flow_style
    if not (quoted or bracketed) or end.line == start.line:
        return None
    if not runs_on_past_its_key(lines, start.line, end.line, key_node.start_mark.column):
        return None
    line = lines[start.line]
    opener = line[start.column : start.column + 1]
    if not opener or opener not in "\"'[{":
        return None
    return never_closed(line, Opened(opener, start.line, start.column))


def continued_list_item(node: Node, lines: list[str]) -> int | None:
    """The line (of the YAML) of a `- item` that YAML quietly joined to the value above it (a plain value
    written on several lines), or None."""
    if not isinstance(node, ScalarNode) or node.style:  # quoted or block text (libyaml writes "" for plain)
        return None
    for index in range(node.start_mark.line + 1, node.end_mark.line + 1):
        if index < len(lines) and lines[index].lstrip().startswith("- "):
            return index
    return None


# libyaml's parser, when PyYAML was built with it, composes the same nodes several times faster. It
# recurses on the C stack (a front matter nested 100,000 deep crashes the process), so it reads only text
# too short to nest deeper than it safely can (10,000 levels were tested).
FAST_LOADER = getattr(yaml, "CSafeLoader", None)
FAST_LOADER_LIMIT = 4000


def compose(yaml_text: str):
    """The YAML's node tree. Text the fast parser rejects is composed again by PyYAML's own parser, whose
    error marks say where it gave up (`explain` finds the slip itself)."""
    if FAST_LOADER is not None and len(yaml_text) <= FAST_LOADER_LIMIT:
        try:
            return yaml.compose(yaml_text, Loader=FAST_LOADER)
        except (yaml.YAMLError, UnicodeError):
            logger.debug("libyaml rejected the front matter; PyYAML's parser says why")
    return yaml.compose(yaml_text, Loader=yaml.SafeLoader)


def parse(text: str) -> Source:
    """Compose the front matter into YAML nodes (not Python values), so each key keeps its line."""
    yaml_text, body, body_line = split(text)
    first_yaml_line = 2
    try:
        root = compose(yaml_text)
    except yaml.MarkedYAMLError as error:
        index, problem, fix = explain(error, yaml_text)
        raise SourceError(first_yaml_line + index, problem, fix) from error
    except RecursionError as error:
        raise SourceError(
            first_yaml_line,
            "the header is nested too deeply to read",
            "write one `key: value` per line; lists and sources need only one or two levels",
        ) from error
    except yaml.reader.ReaderError as error:
        character = error.character if isinstance(error.character, int) else ord(error.character)
        raise SourceError(
            first_yaml_line + yaml_text[: error.position].count("\n"),
            f"the header contains the invisible control character U+{character:04X}",
            "delete it (retype the text around it if you cannot see it)",
        ) from error
    if root is None:
        raise SourceError(
            1,
            "the header is empty",
            "add at least title, date and category between the '---' lines",
        )
    if not isinstance(root, MappingNode):
        raise SourceError(
            node_line(root, first_yaml_line),
            "the header is not a list of `key: value` lines",
            "write one `key: value` per line, for example `title: My article`",
        )
    entries: dict[str, Entry] = {}
    duplicates: list[Entry] = []
    lines = yaml_text.split("\n")
    for key_node, value_node in root.value:
        line = node_line(key_node, first_yaml_line)
        joined = continued_list_item(value_node, lines)
        if joined is not None:
            slip = list_item_slip(joined, str(key_node.value), lines, key_node.start_mark.line)
            raise SourceError(first_yaml_line + slip.index, slip.message, slip.fix)
        swallowed = swallowed_keys(key_node, value_node, lines)
        if swallowed is not None:
            raise SourceError(first_yaml_line + swallowed.index, swallowed.message, swallowed.fix)
        if not isinstance(key_node, ScalarNode):
            raise SourceError(line, "a key in the header is not a plain word", "write each key as `name:`")
        entry = Entry(key_node.value, value_node, line)
        if entry.key in entries:
            duplicates.append(entry)
        else:
            entries[entry.key] = entry
    return Source(entries, body, body_line, duplicates)


def read_source(path: Path, raw: bytes | None = None) -> Source:
    """The file at `path`, or `raw` when the caller has already read its bytes."""
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise SourceError(
                1, f"the file cannot be read: {error.strerror}", "check its permissions"
            ) from error
    return parse(decode(raw))
