"""The start tags of sanitised HTML, read exactly without parsing the whole fragment.

nh3 writes every attribute value in double quotes and escapes `<` in text, so each `<` in its output opens
a tag and these two patterns read its attributes exactly; markup quoted in text or code never matches.
"""

import html
import re

START_TAG = re.compile(r"<([a-z][a-z0-9]*)((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*/?>")
ATTRIBUTE = re.compile(r"(\s+)([^\s\"'>/=]+)(?:=\"([^\"]*)\")?")


def tag_attributes(tag: str) -> dict[str, str | None]:
    """The attributes of one start tag, values unescaped (None for an attribute written without one)."""
    return {
        name: None if value is None else html.unescape(value)
        for _space, name, value in ATTRIBUTE.findall(tag)
        if _space
    }
