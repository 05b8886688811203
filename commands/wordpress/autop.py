"""WordPress's `wpautop`: the classic editor's text, where a blank line is a paragraph and a single line
break is a `<br>`, made into HTML paragraphs the way WordPress showed it to readers."""

import re

BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|"
    r"figure|figcaption|details|menu|summary)"
)
PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
NEWLINE_MARK = " <!-- wpnl --> "
PRESERVED = re.compile(r"<(script|style|svg|math)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def autop(text: str) -> str:
    """Paragraphs and line breaks for classic-editor text, as WordPress's `wpautop` makes them."""
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"<pre wp-pre-tag-{len(kept) - 1}></pre>"

    text = PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n") + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(rf"(<{BLOCKS}[\s/>])", r"\n\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</{BLOCKS}>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = TAG_OR_COMMENT.sub(lambda m: m.group(0).replace("\n", NEWLINE_MARK), text)
    text = re.sub(r"\s*<option", "<option", text)
    text = re.sub(r"</option>\s*", "</option>", text)
    text = re.sub(r"(<(?:object|embed|audio|video)[^>]*>)\s*", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*(</(?:object|embed|audio|video)>)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*(<(?:param|source|track|embed)[^>]*>)\s*", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip("\n")]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{BLOCKS}[^>]*>)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</?{BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = PRESERVED.sub(lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text)
    text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(rf"(</?{BLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    text = re.sub(r"<pre wp-pre-tag-(\d+)></pre>", lambda m: kept[int(m.group(1))], text)
    return text.replace(NEWLINE_MARK, "\n").replace("<!-- wpnl -->", "\n")
