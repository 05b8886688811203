"""The slips an author makes in a header, found where they were made and said in words.

PyYAML says where it gave up, which for an unclosed quote can be many lines below the slip (at the next
quoted value, where the quote finally closes), and says it in its own terms. `find_slip` reads the header
again, one line at a time, with YAML's rules for what a line may hold and how far a value may run: text in
quotes or brackets may go on to the next lines only while they are indented further than its key, so a key
or a list item back at the key's own column (or the end of the header) means it was never closed on the line
that opened it. It is asked only about a header YAML could not read; when YAML reads one, its nodes decide.
"""

import re
from dataclasses import dataclass

QUOTES = "\"'"
CLOSERS = {"[": "]", "{": "}"}
# The start of a line that holds a key or a list item, as an author writes one.
STRUCTURE = re.compile(r"[ \t]*(?:-(?:[ \t]|$)|[A-Za-z_][\w-]*:(?:[ \t]|$))")
KEY_WITHOUT_SPACE = re.compile(r"([A-Za-z_][\w-]*):(\S.*)")
BLOCK_TEXT = re.compile(r"[|>][1-9+-]{0,2}[ \t]*(?:#.*)?")
# Characters YAML does not read as the first character of plain text (`!` and `&` start tags and anchors,
# which are valid; `[`, `{` and quotes open values of their own).
NOT_TEXT_FIRST = "@`%*,]}|>"
# A list item that can go into a one-line list as it is.
SIMPLE_ITEM = re.compile(r"[^,\[\]{}#:\"'&*!|>%@`]+")

TAB_INDENT = ("a tab is used for indentation", "indent with spaces: YAML does not allow tabs")
TAB_SPACE = (
    "a tab is used as a space in this line",
    "type a space instead: YAML allows tabs only inside quoted text",
)


@dataclass(frozen=True)
class Slip:
    """What is wrong on a line of the YAML (`index`, counted from 0), and how to put it right."""

    index: int
    message: str
    fix: str


@dataclass
class Opened:
    """A quote or bracket not yet closed, and where it was opened."""

    char: str
    index: int
    column: int


def find_slip(lines: list[str]) -> Slip | None:
    """The first slip in the YAML `lines`, or None when none of the slips it knows is there."""
    reader = _Reader(lines)
    for index, line in enumerate(lines):
        slip = reader.read(index, line)
        if slip is not None:
            return slip
    return reader.unclosed() if reader.opened else None


def unclosed_brackets(line: str) -> str:
    """What closes every `[` and `{` a line leaves open (outside quoted text), innermost first."""
    stack: list[str] = []
    quote = ""
    for character in line:
        if quote:
            quote = "" if character == quote else quote
        elif character in QUOTES:
            quote = character
        elif character in CLOSERS:
            stack.append(CLOSERS[character])
        elif stack and character == stack[-1]:
            stack.pop()
    return "".join(reversed(stack))


def list_fix(key: str, lines: list[str], key_index: int, first_item: int) -> str:
    """How to write a key's value and the `- items` under it as the list they were meant to be."""
    first = lines[key_index].partition(":")[2].strip()
    items = [first] if first else []
    for line in lines[first_item:]:
        text = line.strip()
        if not text.startswith("- "):
            break
        items.append(text[2:].strip())
    if not all(SIMPLE_ITEM.fullmatch(item) for item in items) or len(items) < 2:
        items = ["First", "Second"]
    return (
        f"leave `{key}:` empty after its colon and put every item under it, or write the list on one line: "
        f"`{key}: [{', '.join(items)}]`"
    )


def list_item_slip(index: int, key: str, lines: list[str], key_index: int) -> Slip:
    return Slip(
        index,
        f"a list item (`- …`) follows `{key}:`, which already has a value",
        list_fix(key, lines, key_index, index),
    )


def double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass
class _Key:
    """A line that gave a key: where, which, and whether a value followed on the same line."""

    index: int
    column: int
    key: str
    has_value: bool


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.opened: list[Opened] = []
        # A continued value's lines must be indented further than this column (its key's, or its `-`'s).
        self.owner = 0
        self.block_text_owner: int | None = None
        self.plain: tuple[int, _Key | None] | None = None  # a plain value that may go on: (owner, its key)
        self.previous: _Key | None = None  # the last line that gave a key, if it was the last line read

    def read(self, index: int, line: str) -> Slip | None:
        indent = len(line) - len(line.lstrip(" "))
        if self.opened:
            if indent <= self.owner and STRUCTURE.match(line):
                return self.unclosed()
            return self.scan(index, line, 0)
        if self.block_text_owner is not None:
            if not line.strip() or indent > self.block_text_owner:
                return None
            self.block_text_owner = None
        content = line.lstrip(" \t")
        leading = line[: len(line) - len(content)]
        if not content:
            return Slip(index, "there is a tab on this empty line", "delete it") if "\t" in line else None
        if "\t" in leading:
            return Slip(index, *TAB_INDENT)
        if content.startswith("#"):
            return None
        if self.plain is not None:
            slip = self.continued(index, line, indent)
            if slip is not None or self.plain is not None:
                return slip
        return self.structure(index, line, indent)

    def continued(self, index: int, line: str, indent: int) -> Slip | None:
        """A line after a plain value: more of it when indented further than its owner."""
        owner, key = self.plain
        if indent <= owner:
            self.plain = None
            return None
        content = line[indent:]
        if content == "-" or content.startswith(("- ", "-\t")):
            if key is not None:
                return list_item_slip(index, key.key, self.lines, key.index)
            return None
        end = comment_start(content)
        if "\t" in content[:end]:
            return Slip(index, *TAB_SPACE)
        separator = key_separator(content[:end])
        if separator is not None:
            word = content[:separator].strip()
            if key is None:
                return Slip(
                    index,
                    f"`{word}:` is indented further than the list item above it",
                    "line it up with the other keys of the item; if it is part of the item's text, put that "
                    "whole text in double quotes",
                )
            return Slip(
                index,
                f"`{word}:` is indented further than `{key.key}:` above it",
                f"start it in the same column as `{key.key}:`; if it is part of the text of `{key.key}`, put "
                "that whole text in double quotes",
            )
        return None

    def structure(self, index: int, line: str, indent: int) -> Slip | None:
        """A line that is not more of a value: list markers, then a key, then its value."""
        previous, self.previous = self.previous, None
        position = indent
        dashes = []
        while line[position : position + 1] == "-" and line[position + 1 : position + 2] in ("", " ", "\t"):
            dashes.append(position)
            position += 1
            while line[position : position + 1] in (" ", "\t"):
                if line[position] == "\t":
                    return Slip(index, *TAB_SPACE)
                position += 1
        if dashes and previous is not None and previous.has_value and previous.column <= dashes[0]:
            return list_item_slip(index, previous.key, self.lines, previous.index)
        if position >= len(line) or line[position] == "#":
            return None
        key, value_at = self.key_at(line, position)
        if key is None:
            if dashes:
                return self.value(index, line, position, dashes[-1], None)
            return self.no_key(index, line[position:])
        if not dashes and ":" in key:
            found = KEY_WITHOUT_SPACE.fullmatch(line[position:].rstrip())
            if found:
                return no_space(index, found)
        while line[value_at : value_at + 1] in (" ", "\t"):
            if line[value_at] == "\t":
                return Slip(index, *TAB_SPACE)
            value_at += 1
        entry = _Key(index, position, key, value_at < len(line) and line[value_at] != "#")
        if entry.has_value:
            self.previous = entry
            return self.value(index, line, value_at, position, entry)
        return None

    @staticmethod
    def key_at(line: str, position: int) -> tuple[str | None, int]:
        """(the key that starts at `position`, where its value starts), or (None, position)."""
        if line[position] in QUOTES:
            close = closing_quote(line, position)
            if close is not None:
                after = close + 1
                while line[after : after + 1] == " ":
                    after += 1
                if line[after : after + 1] == ":" and line[after + 1 : after + 2] in ("", " ", "\t"):
                    return line[position + 1 : close], after + 1
            return None, position
        if line[position] in CLOSERS:
            return None, position
        text = line[position : position + comment_start(line[position:])]
        separator = key_separator(text)
        if separator is None:
            return None, position
        return text[:separator].rstrip(), position + separator + 1

    def no_key(self, index: int, content: str) -> Slip:
        found = KEY_WITHOUT_SPACE.fullmatch(content.rstrip())
        if found:
            return no_space(index, found)
        if "\t" in content[: comment_start(content)]:
            return Slip(index, *TAB_SPACE)
        return Slip(
            index,
            f"`{content.strip()}` is not a `key: value` line",
            "begin it with its key and a colon (`summary: …`); if it goes on from the line above, indent it "
            "further than that line's key",
        )

    def value(self, index: int, line: str, position: int, owner: int, key: _Key | None) -> Slip | None:
        first = line[position]
        following = line[position + 1 : position + 2]
        if first in QUOTES or first in CLOSERS:
            self.owner = owner
            self.opened = [Opened(first, index, position)]
            return self.scan(index, line, position + 1)
        if first in "|>" and BLOCK_TEXT.fullmatch(line[position:].rstrip()):
            self.block_text_owner = owner
            return None
        if first == "-" and following in ("", " ", "\t") and key is not None:
            return Slip(
                index,
                f"a list cannot begin on the same line as `{key.key}:`",
                f"put each `- item` on a line of its own under `{key.key}:`, or write the list on one line: "
                f"`{key.key}: [{line[position + 1 :].strip() or 'First'}]`",
            )
        if first in NOT_TEXT_FIRST or (first == "&" and following in ("", " ")):
            text = line[position:].strip()
            return Slip(
                index,
                f"a value cannot begin with `{first}` unless it is in quotes",
                f"put the whole value in double quotes: `{line[:position].strip()} {double_quoted(text)}`",
            )
        end = position + comment_start(line[position:])
        for column in range(position, end):
            if line[column] == "\t":
                return Slip(index, *TAB_SPACE)
        separator = key_separator(line[position:end])
        if separator is not None and key is not None:
            text = line[position:end].rstrip()
            before = text[:separator].rstrip()
            prefix = line[:position].strip()
            return Slip(
                index,
                f"the colon after `{before}` makes YAML read it as another key",
                f"put the whole value in double quotes: `{prefix} {double_quoted(text)}`",
            )
        self.plain = (owner, key)
        return None

    def scan(self, index: int, line: str, position: int) -> Slip | None:
        """Read on through quoted or bracketed text from `position` until it closes, or the line ends."""
        while position < len(line):
            top = self.opened[-1]
            character = line[position]
            if top.char in QUOTES:
                if character == "\\" and top.char == '"':
                    position += 2
                    continue
                if character == top.char:
                    if character == "'" and line[position + 1 : position + 2] == "'":
                        position += 2
                        continue
                    self.opened.pop()
                    slip = self.after_quote(index, line, position, top)
                    if slip is not None or not self.opened:
                        return slip
                position += 1
                continue
            if character == "\t":
                return Slip(index, *TAB_SPACE)
            if character in CLOSERS:
                self.opened.append(Opened(character, index, position))
            elif character in CLOSERS.values():
                if character != CLOSERS[top.char]:
                    return Slip(
                        index,
                        f"the `{character}` on this line cannot close the `{top.char}` before it",
                        f"close it with `{CLOSERS[top.char]}`",
                    )
                self.opened.pop()
                if not self.opened:
                    return self.after_brackets(index, line, position, top)
            elif character in QUOTES and starts_a_value(line, position):
                self.opened.append(Opened(character, index, position))
            elif character == "#" and (position == 0 or line[position - 1] in " \t"):
                break
            position += 1
        return None

    def after_quote(self, index: int, line: str, close: int, opened: Opened) -> Slip | None:
        """The quote closed at `close`: what follows it must be the end of the value."""
        after = close + 1
        while line[after : after + 1] == " ":
            after += 1
        following = line[after : after + 1]
        if following in ("", "#") or (self.opened and following in ",]}:"):
            return None
        if following == "\t":
            return Slip(index, *TAB_SPACE)
        return self.quote_inside(index, line, close, opened)

    def quote_inside(self, index: int, line: str, close: int, opened: Opened) -> Slip:
        """A quote or apostrophe inside quoted text ended it early: say which, and how to write it."""
        quote = opened.char
        start = close
        while start > 0 and line[start - 1] not in " \t":
            start -= 1
        end = close + 1
        while end < len(line) and line[end] not in " \t":
            end += 1
        if opened.index == index:
            start = max(start, opened.column + 1)
        word = line[start:end]
        if end - 1 > close and end == len(line.rstrip()) and word.endswith(quote):
            word = word[:-1]  # the quote meant to close the value
        if quote == "'":
            message = f"the apostrophe in `{word}` ends the text opened with `'`"
        elif line[close + 1 : close + 2] == ":":
            message = f"the text in quotes, `{line[opened.column : close + 1]}`, is followed by more text"
        else:
            message = f'the `"` in `{word}` ends the text opened with `"`'
        if opened.index != index or self.opened:
            if quote == "'":
                return Slip(index, message, "write the text in double quotes, or double the apostrophe: `''`")
            return Slip(index, message, 'write \\" for a quote inside the text, or put it in single quotes')
        prefix = line[: opened.column].strip()
        prefix = prefix + " " if prefix else ""
        tail = line[opened.column + 1 :].rstrip()
        enclosed = tail.endswith(quote)
        if quote == "'":
            text = (tail[:-1] if enclosed else tail).replace("''", "'")
            return Slip(
                index,
                message,
                f"write it in double quotes: `{prefix}{double_quoted(text)}`, or double the apostrophe: "
                f"`{prefix}{single_quoted(text)}`",
            )
        text = tail[:-1].replace('\\"', '"') if enclosed else line[opened.column :].rstrip()
        return Slip(
            index,
            message,
            f'write \\" for a quote inside it: `{prefix}{double_quoted(text)}`, or put the whole value in '
            f"single quotes: `{prefix}{single_quoted(text)}`",
        )

    def after_brackets(self, index: int, line: str, close: int, opened: Opened) -> Slip | None:
        rest = line[close + 1 :].strip(" ")
        if not rest or rest.startswith("#"):
            return None
        if "\t" in rest:
            return Slip(index, *TAB_SPACE)
        return Slip(
            index,
            f"there is more after the `{line[close]}` that closes the `{opened.char}`: `{rest}`",
            f"put it inside the `{opened.char} {line[close]}`, or remove it",
        )

    def unclosed(self) -> Slip:
        """The slip at the quote (or else the outermost bracket) that was never closed."""
        quotes = [opened for opened in self.opened if opened.char in QUOTES]
        opened = quotes[-1] if quotes else self.opened[0]
        return never_closed(self.lines[opened.index], opened, inside_brackets=opened is not self.opened[0])


def never_closed(line: str, opened: Opened, inside_brackets: bool = False) -> Slip:
    """A quote or bracket opened on `line` that the line does not close, and the value goes on no further."""
    char = opened.char
    message = f"the text opened with `{char}` on this line is never closed"
    if char in CLOSERS:
        return Slip(
            opened.index,
            f"the `{char}` opened on this line is never closed",
            f"end it on the same line: `{line.strip()}{unclosed_brackets(line)}`",
        )
    inside = 'write \\" for a quote inside it' if char == '"' else "write '' for an apostrophe inside it"
    if inside_brackets:
        return Slip(opened.index, message, f"end it with `{char}` ({inside})")
    fix = f"end it with `{char}` on the same line: `{line.strip()}{char}` ({inside})"
    if char == "'":
        text = line[opened.column :].strip()
        prefix = line[: opened.column].strip()
        fix += (
            f"; if the `'` is an apostrophe, put the whole value in double quotes: "
            f"`{prefix} {double_quoted(text)}`"
        )
    return Slip(opened.index, message, fix)


def runs_on_past_its_key(lines: list[str], first: int, last: int, key_column: int) -> bool:
    """Whether a value YAML read from line `first` to `last` took in a key or list item written at its key's
    column or left of it (YAML is lenient there; an author meant a new line of the header)."""
    return any(
        STRUCTURE.match(line) and len(line) - len(line.lstrip(" ")) <= key_column
        for line in lines[first + 1 : last + 1]
    )


def no_space(index: int, found: re.Match) -> Slip:
    return Slip(
        index,
        f"there is no space after the colon in `{found.group(0)}`",
        f"put a space after it: `{found.group(1)}: {found.group(2)}`",
    )


def closing_quote(line: str, opening: int) -> int | None:
    """Where the quoted text opened at `opening` closes on this line, or None."""
    quote = line[opening]
    position = opening + 1
    while position < len(line):
        character = line[position]
        if quote == '"' and character == "\\":
            position += 2
            continue
        if character == quote:
            if quote == "'" and line[position + 1 : position + 2] == "'":
                position += 2
                continue
            return position
        position += 1
    return None


def comment_start(text: str) -> int:
    """Where a `#` comment starts in plain text (after a space or tab, or first), or the text's length."""
    for position, character in enumerate(text):
        if character == "#" and (position == 0 or text[position - 1] in " \t"):
            return position
    return len(text)


def key_separator(text: str) -> int | None:
    """Where the colon that ends a key stands in plain text: the first followed by a space, tab or the end."""
    for position, character in enumerate(text):
        if character == ":" and (position + 1 == len(text) or text[position + 1] in " \t"):
            return position
    return None


def starts_a_value(line: str, position: int) -> bool:
    """Whether `position`, inside brackets, is the start of an item (where a quote opens quoted text)."""
    before = position - 1
    while before >= 0 and line[before] == " ":
        before -= 1
    return before < 0 or line[before] in "[{,:?"
