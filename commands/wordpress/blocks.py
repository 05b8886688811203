"""The block editor's (Gutenberg's) markup: `<!-- wp:name {json} -->…<!-- /wp:name -->` around saved HTML.

Parsed into a tree as WordPress's own block parser does (`WP_Block_Parser`): a block's saved HTML is split
around its inner blocks, and HTML outside any block is "freeform" (the classic editor's text).
"""

import json
import re
from dataclasses import dataclass, field

# WordPress's block delimiter, as its parser reads it: an optional closer slash, an optional namespace, the
# name, optional JSON attributes and an optional void slash.
DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
FREEFORM = "core/freeform"


@dataclass
class Block:
    """One block: its full name (`core/paragraph`, `jetpack/contact-form`), attributes, and its saved HTML
    with its inner blocks in place."""

    name: str
    attrs: dict = field(default_factory=dict)
    inner: list = field(default_factory=list)  # str pieces of HTML and Block children, in order
    line: int = 1

    @property
    def children(self) -> list["Block"]:
        return [part for part in self.inner if isinstance(part, Block)]

    def html(self) -> str:
        """The block's own saved HTML without its inner blocks."""
        return "".join(part for part in self.inner if isinstance(part, str))


def _attributes(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def has_blocks(text: str) -> bool:
    return "<!-- wp:" in text


def parse(text: str) -> list[Block]:
    """The top-level blocks of a post's text; HTML between them becomes freeform blocks."""
    top: list[Block] = []
    stack: list[Block] = []
    position = 0

    def add_html(html: str, at: int) -> None:
        if not html:
            return
        if stack:
            stack[-1].inner.append(html)
        elif html.strip():
            top.append(Block(FREEFORM, {}, [html], text.count("\n", 0, at) + 1))

    def close(block: Block) -> None:
        if stack:
            stack[-1].inner.append(block)
        else:
            top.append(block)

    for match in DELIMITER.finditer(text):
        add_html(text[position : match.start()], position)
        position = match.end()
        namespace = (match.group("namespace") or "core/").rstrip("/")
        name = f"{namespace}/{match.group('name')}"
        line = text.count("\n", 0, match.start()) + 1
        if match.group("closer"):
            # Close up to the matching opener; a closer without one is dropped, as WordPress does.
            if any(block.name == name for block in stack):
                while stack:
                    block = stack.pop()
                    close(block)
                    if block.name == name:
                        break
            continue
        block = Block(name, _attributes(match.group("attrs")), [], line)
        if match.group("void"):
            close(block)
        else:
            stack.append(block)
    add_html(text[position:], position)
    while stack:
        close(stack.pop())
    return top
