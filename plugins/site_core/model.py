"""The content model as data: each front-matter key, what kind of value it takes, and its rule in words.

front_matter owns the rules (its schema) and describes them here once per build; a plugin that shows the
model to people (the browser editor) reads this description instead of importing front_matter.
"""

from dataclasses import dataclass, field

# What a key holds, in terms any form can show:
KINDS = (
    "text",  # one line of text
    "long_text",  # a paragraph of plain text
    "date",  # an ISO 8601 date, with or without a time
    "choice",  # one of `options`
    "choices",  # a list of some of `options`
    "text_list",  # a list of lines of text
    "records",  # a list of records, each with `item_fields`
    "flag",  # true or false
    "image",  # a path to an image under the content folder
)


@dataclass(frozen=True)
class Requirement:
    """When an optional key is required after all: while the key `when` holds one of the values of
    `messages` (a value, or an item of a list; matched in any case), unless the document's key
    `unless[0]` is `unless[1]` (a draft may wait). Each value comes with what to tell the author, and
    `hint` says the rule in a sentence."""

    when: str
    messages: tuple[tuple[str, str], ...]
    hint: str = ""
    unless: tuple[str, str] | None = ("status", "draft")


@dataclass(frozen=True)
class ModelField:
    name: str
    kind: str
    hint: str
    required: bool = False
    options: tuple[str, ...] = ()
    # A regular expression the whole value (each item, for a list) must match; written so Python and
    # JavaScript read it alike.
    pattern: str | None = None
    pattern_hint: str = ""
    item_fields: tuple["ModelField", ...] = field(default=())
    # For a key that is not `required`: the documents that must have it all the same.
    required_when: Requirement | None = None

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class ContentModel:
    """The keys of each kind of document ("article", "page"), in the order authors meet them."""

    documents: dict[str, tuple[ModelField, ...]]
