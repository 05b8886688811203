// How the editor reads and writes a Markdown file with a YAML header, as an author would write it.
//
// Decap's own format writes every file in its own style: each list as a block, each long line folded, and
// every field of the form, filled or not (`featured: false`, `topics: []`). This one writes:
// - every key whose value did not change exactly as it was written (its lines, quotes, comments and all),
//   and the blank lines before the text as they were, so a file saved without a change is the same file;
// - a changed or new key the way the README writes one: `key: value`, double quotes only where YAML needs
//   them (for this site's builds, YAML 1.1, and for the editor, 1.2), short lists as `[a, b]`, long ones and
//   records one item a line;
// - no key the author left empty: an empty text, an empty list, an unticked box.
// Keys keep the file's order; a new key goes after the key before it in the form.
//
// `shorthands` ({"author": "authors"}) names keys a hand-written file may use for one value of a list the
// form offers: the form shows `author: Jane Smith` as the list [Jane Smith], and writes it back as it was
// unless the list changed, when the list takes its place.
/* global jsyaml */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./js-yaml.min.js"));
  } else {
    root.FrontMatter = factory(root.jsyaml);
  }
})(typeof self !== "undefined" ? self : this, function (yaml) {
  "use strict";

  // YAML 1.2's core schema: dates stay text, as the form's date field wants them.
  var SCHEMA = { schema: yaml.CORE_SCHEMA };
  var HEADER = /^---[ \t]*\r?\n(?:([\s\S]*?\r?\n))?---[ \t]*(\r?\n|$)/;
  // A line that starts a key of the header (not an indented line, a list item, a comment or a blank line).
  var KEY_LINE = /^[^\s#-]/;
  // Text that YAML 1.1 (PyYAML, which reads the header at build time) would read as something other than
  // text when unquoted: booleans, null, numbers, sexagesimals and merge or value keys.
  var YAML_1_1_NOT_TEXT = [
    /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N)$/,
    /^(?:~|null|Null|NULL)$/,
    /^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    /^(?:<<|=)$/,
  ];
  // Characters that start YAML syntax rather than text.
  var INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
  var FLOW_INDICATOR = /[,[\]{}]/;
  // A list goes on one line, `[a, b]`, only while that line stays this short.
  var FLOW_WIDTH = 100;

  function splitFile(content) {
    var match = HEADER.exec(content);
    if (!match) {
      return { header: "", closing: "", gap: "", body: content };
    }
    var rest = content.slice(match[0].length);
    var gap = /^(?:[ \t]*\r?\n)*/.exec(rest)[0];
    return {
      header: match[1] || "",
      closing: match[0].slice(match[0].lastIndexOf("---")),
      newline: /\r\n/.test(match[0]) ? "\r\n" : "\n",
      gap: gap,
      body: rest.slice(gap.length),
    };
  }

  function load(text) {
    var data = text.trim() ? yaml.load(text, SCHEMA) : {};
    if (data === null || data === undefined) {
      return {};
    }
    if (typeof data !== "object" || Array.isArray(data)) {
      throw new Error("The header between the --- lines is not a list of `key: value` lines.");
    }
    return data;
  }

  // The header as written: the lines before its first key, then each key's lines with its value. Null when
  // the lines cannot be taken apart key by key (then a saved file is written afresh, values unchanged).
  function blocksOf(header, data) {
    var lines = header.split(/(?<=\n)/);
    var preamble = "";
    var blocks = [];
    lines.forEach(function (line) {
      if (KEY_LINE.test(line) && !/^(?:---|\.\.\.)\s*$/.test(line)) {
        blocks.push({ text: line });
      } else if (blocks.length) {
        blocks[blocks.length - 1].text += line;
      } else {
        preamble += line;
      }
    });
    try {
      var seen = {};
      for (var i = 0; i < blocks.length; i++) {
        var parsed = load(blocks[i].text);
        var keys = Object.keys(parsed);
        if (keys.length !== 1 || seen[keys[0]] || !same(parsed[keys[0]], data[keys[0]])) {
          return null;
        }
        seen[keys[0]] = true;
        blocks[i].key = keys[0];
        blocks[i].value = parsed[keys[0]];
      }
      if (Object.keys(seen).length !== Object.keys(data).length) {
        return null;
      }
    } catch (error) {
      return null;
    }
    return { preamble: preamble, blocks: blocks };
  }

  function same(a, b) {
    if (a === b) {
      return true;
    }
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
      return false;
    }
    if (Array.isArray(a) !== Array.isArray(b)) {
      return false;
    }
    var keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) {
      return false;
    }
    return keys.every(function (key) {
      return Object.prototype.hasOwnProperty.call(b, key) && same(a[key], b[key]);
    });
  }

  // The value without what the author left empty: blank texts, unticked boxes, empty items and records.
  // Undefined when nothing is left.
  function filled(value) {
    if (value === null || value === undefined || value === false) {
      return undefined;
    }
    if (typeof value === "string") {
      return value.trim() ? value : undefined;
    }
    if (Array.isArray(value)) {
      var items = value.map(filled).filter(function (item) {
        return item !== undefined;
      });
      return items.length ? items : undefined;
    }
    if (typeof value === "object") {
      var record = {};
      Object.keys(value).forEach(function (key) {
        var kept = filled(value[key]);
        if (kept !== undefined) {
          record[key] = kept;
        }
      });
      return Object.keys(record).length ? record : undefined;
    }
    return value;
  }

  function readsBack(text, expected) {
    try {
      return same(yaml.load(text, SCHEMA), expected);
    } catch (error) {
      return false;
    }
  }

  // The text unquoted when every YAML reads it back as the same text, else in double quotes.
  function scalar(value, inFlow) {
    if (typeof value !== "string") {
      // Numbers and true as they are; anything deeper as JSON, which YAML reads as the same value.
      return typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    var plain =
      value === value.trim() &&
      !/[\r\n\t]/.test(value) &&
      !INDICATOR.test(value) &&
      !/:(?:\s|$)|\s#/.test(value) &&
      !(inFlow && FLOW_INDICATOR.test(value)) &&
      !YAML_1_1_NOT_TEXT.some(function (pattern) {
        return pattern.test(value);
      }) &&
      readsBack(inFlow ? "k: [" + value + "]" : "k: " + value, inFlow ? { k: [value] } : { k: value });
    return plain ? value : JSON.stringify(value);
  }

  function record(value, indent) {
    return Object.keys(value)
      .map(function (key, index) {
        return (index ? indent : "") + key + ": " + scalar(value[key], false);
      })
      .join("\n");
  }

  function written(key, value) {
    if (!Array.isArray(value)) {
      if (typeof value === "object") {
        return key + ":\n  " + record(value, "  ") + "\n";
      }
      return key + ": " + scalar(value, false) + "\n";
    }
    var simple = value.every(function (item) {
      return typeof item !== "object";
    });
    if (simple) {
      var line = key + ": [" + value.map(function (item) {
        return scalar(item, true);
      }).join(", ") + "]";
      if (line.length <= FLOW_WIDTH) {
        return line + "\n";
      }
    }
    return (
      key +
      ":\n" +
      value
        .map(function (item) {
          return "  - " + (typeof item === "object" ? record(item, "    ") : scalar(item, false)) + "\n";
        })
        .join("")
    );
  }

  // A shorthand of the file (`author: Jane Smith`) shown as a list: written back as it was while the list
  // is that one value, else the list is written in its place.
  function shorthandsWritten(blocks, values, shorthands) {
    Object.keys(shorthands).forEach(function (short) {
      var full = shorthands[short];
      var block = blocks.filter(function (each) {
        return each.key === short;
      })[0];
      var listed = blocks.some(function (each) {
        return each.key === full;
      });
      if (!block || listed || short in values || !(full in values)) {
        return;
      }
      if (same(values[full], [block.value])) {
        values[short] = block.value;
        delete values[full];
      } else {
        block.key = full;
        block.replaced = true;
      }
    });
  }

  function fromFile(content, shorthands) {
    var parts = splitFile(content);
    var data = load(parts.header);
    Object.keys(shorthands || {}).forEach(function (short) {
      var full = shorthands[short];
      if (typeof data[short] === "string" && !(full in data)) {
        data[full] = [data[short]];
        delete data[short];
      }
    });
    if (parts.body) {
      data.body = parts.body;
    }
    return data;
  }

  // `original`: the file as it was before the editor changed it ("" or undefined for a new file);
  // `order`: the form's keys, in the form's order.
  function toFile(data, order, original, shorthands) {
    order = order || [];
    var before = original ? splitFile(original) : null;
    var header = before && before.header ? blocksOf(before.header, load(before.header)) : null;
    var body = typeof data.body === "string" ? data.body : "";
    var values = {};
    Object.keys(data).forEach(function (key) {
      if (key !== "body") {
        values[key] = data[key];
      }
    });
    if (header) {
      shorthandsWritten(header.blocks, values, shorthands || {});
    }
    var kept = {};
    var keys = [];
    if (header) {
      header.blocks.forEach(function (block) {
        if (Object.prototype.hasOwnProperty.call(values, block.key)) {
          keys.push(block.key);
          kept[block.key] = block;
        }
      });
    }
    // New keys in the form's order, each after the last key that comes before it in the form.
    var rank = function (key) {
      var index = order.indexOf(key);
      return index === -1 ? order.length : index;
    };
    Object.keys(values)
      .filter(function (key) {
        return !kept[key];
      })
      .sort(function (a, b) {
        return rank(a) - rank(b);
      })
      .forEach(function (key) {
        var at = 0;
        keys.forEach(function (other, index) {
          if (rank(other) <= rank(key)) {
            at = index + 1;
          }
        });
        keys.splice(at, 0, key);
      });
    var text = header ? header.preamble : "";
    keys.forEach(function (key) {
      var block = kept[key];
      if (block && !block.replaced && same(block.value, values[key])) {
        text += block.text;
        return;
      }
      var value = filled(values[key]);
      if (value !== undefined) {
        text += written(key, value);
      }
    });
    var opening = before && before.header ? original.slice(0, original.indexOf("\n") + 1) : "---\n";
    var closing = before && before.closing ? before.closing : "---\n";
    if (!/\n$/.test(closing)) {
      closing += "\n";
    }
    var gap = before && before.body ? before.gap : "\n";
    return opening + text + closing + (body ? gap + body : "");
  }

  return { fromFile: fromFile, toFile: toFile, splitFile: splitFile };
});
