"""Split a Markdown file into its YAML front matter and body, keeping the line of every key."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from site_core import LineError

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
            "start it with front matter between '---' lines (title, date, category), then the text",
        )
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise SourceError(
            1,
            "the file does not begin with front matter",
            "make the first line '---', then the keys (title, date, category, …), then '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in CLOSING_FENCES:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceError(
        1,
        "the front matter opened by '---' on line 1 is never closed",
        "add a line '---' after the last front-matter key, before the article text",
    )


def yaml_fix(yaml_text: str, index: int) -> str:
    """The fix for a YAML error, made specific for the commonest one: a colon inside a title."""
    lines = yaml_text.split("\n")
    key, colon, value = (lines[index] if 0 <= index < len(lines) else "").partition(":")
    value = value.strip()
    if colon and value and ": " in value and not value.startswith(("'", '"')):
        quoted = value.replace('"', '\\"')
        return f'put the whole value in double quotes: {key.strip()}: "{quoted}"'
    return "check the indentation, and put text containing ':' or '#' in double quotes"


def explain(error: yaml.MarkedYAMLError, yaml_text: str) -> tuple[int, str, str]:
    """(the line of the YAML where the slip is, what is wrong, how to fix it): the common slips said in
    words, at the line where they were made (PyYAML reports an unclosed `[` or quote where it gave up);
    anything else as PyYAML says it."""
    lines = yaml_text.split("\n")
    context = error.context or ""
    problem = error.problem or ""
    opened = error.context_mark
    at = error.problem_mark or opened

    def text_of(index: int) -> str:
        return lines[index] if 0 <= index < len(lines) else ""

    if opened is not None and context in {"while parsing a flow sequence", "while parsing a flow mapping"}:
        bracket = "[" if "sequence" in context else "{"
        line = text_of(opened.line).strip()
        return (
            opened.line,
            f"the `{bracket}` opened on this line is never closed",
            f"end it on the same line: `{line}{unclosed_brackets(line)}`",
        )
    if opened is not None and context == "while scanning a quoted scalar":
        quote = text_of(opened.line)[opened.column : opened.column + 1] or '"'
        inside = 'write \\" for a quote inside it' if quote == '"' else "write '' for an apostrophe inside it"
        return (
            opened.line,
            f"the text opened with `{quote}` on this line is never closed",
            f"end it with `{quote}` on the same line ({inside})",
        )
    if "'\\t'" in problem or "\t" in problem:
        return (
            at.line if at else 0,
            "a tab is used for indentation",
            "indent with spaces: YAML does not allow tabs",
        )
    if opened is not None and context == "while scanning a simple key":
        line = text_of(opened.line)
        key, colon, value = line.partition(":")
        if colon and value and not value.startswith((" ", "\t")):
            return (
                opened.line,
                f"there is no space after the colon in `{line.strip()}`",
                f"put a space after it: `{key.strip()}: {value.strip()}`",
            )
    if at is not None and "found '-'" in problem:
        key = text_of(at.line - 1).partition(":")[0].strip() or "topics"
        return (
            at.line,
            "a list item (`- …`) follows a key that already has a value",
            f"leave the key's own line empty after its colon (`{key}:`) and indent each item under it, "
            f"or write the list on one line: `{key}: [First, Second]`",
        )
    index = at.line if at else 0
    said = problem or context or "the YAML cannot be read"
    if context and opened is not None and error.problem_mark is not None:
        said += f" ({context} that starts on line {opened.line + 2})"
    return index, f"front matter is not valid YAML: {said}", yaml_fix(yaml_text, index)


def unclosed_brackets(line: str) -> str:
    """What closes every `[` and `{` a line leaves open (outside quoted text), innermost first."""
    closers = {"[": "]", "{": "}"}
    stack: list[str] = []
    quote = ""
    for character in line:
        if quote:
            quote = "" if character == quote else quote
        elif character in "\"'":
            quote = character
        elif character in closers:
            stack.append(closers[character])
        elif stack and character == stack[-1]:
            stack.pop()
    return "".join(reversed(stack))


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
    error messages (and the fixes `yaml_fix` suggests for them) are the ones authors see."""
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
            "the front matter is nested too deeply to read",
            "write one `key: value` per line; lists and sources need only one or two levels",
        ) from error
    except yaml.reader.ReaderError as error:
        character = error.character if isinstance(error.character, int) else ord(error.character)
        raise SourceError(
            first_yaml_line + yaml_text[: error.position].count("\n"),
            f"the front matter contains the invisible control character U+{character:04X}",
            "delete it (retype the text around it if you cannot see it)",
        ) from error
    if root is None:
        raise SourceError(
            1,
            "the front matter is empty",
            "add at least title, date and category between the '---' lines",
        )
    if not isinstance(root, MappingNode):
        raise SourceError(
            node_line(root, first_yaml_line),
            "the front matter is not a list of `key: value` lines",
            "write one `key: value` per line, for example `title: My article`",
        )
    entries: dict[str, Entry] = {}
    duplicates: list[Entry] = []
    lines = yaml_text.split("\n")
    for key_node, value_node in root.value:
        line = node_line(key_node, first_yaml_line)
        joined = continued_list_item(value_node, lines)
        if joined is not None:
            raise SourceError(
                first_yaml_line + joined,
                f"a list item (`- …`) follows `{key_node.value}:`, which already has a value",
                f"leave `{key_node.value}:` empty after its colon and put every item under it, or write the "
                f"list on one line: `{key_node.value}: [First, Second]`",
            )
        if not isinstance(key_node, ScalarNode):
            raise SourceError(line, "a front-matter key is not plain text", "write keys as `name:`")
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
