// The site's additions to the editor: its name where Decap would show its own, files written as an author
// writes them (frontmatter.js), dates the British way (dates.js), and a preview in the site's own
// stylesheet with articles laid out as the site lays them out.
/* global CMS, h, createClass, FrontMatter, BritishDates */
(function () {
  "use strict";
  var script = document.currentScript;
  var stylesheet = script.dataset.previewStyle;
  if (stylesheet) {
    CMS.registerPreviewStyle(stylesheet);
  }

  // Decap gives the logo on its sign-in page and header the text "Logo": it is the site's name.
  var siteName = script.dataset.siteName;
  if (siteName) {
    new MutationObserver(function () {
      document.querySelectorAll('#nc-root img[alt="Logo"]').forEach(function (logo) {
        logo.alt = siteName;
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // The file as it was before this save, for the format to keep what did not change. Decap asks the event
  // and then the format, one after the other, for each save.
  var original = null;
  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      original = event.entry.get("raw") || "";
    },
  });
  // Keys a file written by hand may use for one value of a list the form offers ({"author": "authors"}).
  var shorthands = JSON.parse(script.dataset.shorthands || "{}");
  CMS.registerCustomFormat("frontmatter-as-written", "md", {
    fromFile: function (content) {
      return FrontMatter.fromFile(content, shorthands);
    },
    toFile: function (data, order) {
      var before = original;
      original = null;
      return FrontMatter.toFile(data, order, before, shorthands);
    },
  });

  function dateSettings(field) {
    return { date_format: field.get("date_format"), time_format: field.get("time_format"), format: field.get("format") };
  }

  var DateControl = createClass({
    getInitialState: function () {
      return { text: BritishDates.shown(this.props.value, dateSettings(this.props.field)) };
    },
    componentDidUpdate: function (previous) {
      // A value set from elsewhere (a draft restored): shown as the form shows dates.
      if (previous.value !== this.props.value && this.props.value !== this.sent) {
        this.setState({ text: BritishDates.shown(this.props.value, dateSettings(this.props.field)) });
      }
    },
    handleChange: function (event) {
      var text = event.target.value;
      var value = BritishDates.stored(text, dateSettings(this.props.field));
      // Text that is not a date yet is kept as typed, and isValid says what to write.
      this.sent = value === null ? text : value;
      this.setState({ text: text });
      this.props.onChange(this.sent);
    },
    isValid: function () {
      var value = this.props.value;
      if (value === undefined || value === null || value === "" || BritishDates.fromStored(value)) {
        return true;
      }
      var settings = dateSettings(this.props.field);
      return {
        error: {
          message:
            "Write the date as " + settings.date_format + ", with the time as " + settings.time_format +
            " if you give one (" + BritishDates.shown("2026-11-30T09:30", settings) + ").",
        },
      };
    },
    render: function () {
      var settings = dateSettings(this.props.field);
      return h("input", {
        type: "text",
        id: this.props.forID,
        className: this.props.classNameWrapper,
        value: this.state.text,
        placeholder: settings.date_format + " " + settings.time_format,
        autoComplete: "off",
        spellCheck: false,
        onChange: this.handleChange,
        onFocus: this.props.setActiveStyle,
        onBlur: this.props.setInactiveStyle,
      });
    },
  });
  var DatePreview = createClass({
    render: function () {
      return h("p", {}, BritishDates.shown(this.props.value, dateSettings(this.props.field)));
    },
  });
  var text = { type: "string" };
  // In the place of Decap's own `datetime` (the browser's date input, in the browser's order), so Decap
  // still finds the entry's date for file names and sorting.
  CMS.registerWidget("datetime", DateControl, DatePreview, {
    properties: { format: text, date_format: text, time_format: text },
  });

  function list(value) {
    return value && value.toJS ? value.toJS() : [];
  }

  // What a field's `required_when` (decap.py, from the content model) says of the entry being edited:
  // the message for the author when the field is empty but the entry needs it, else null. A field is
  // needed while another field holds one of the rule's values (matched in any case), unless the entry
  // is excepted (a draft: `unless: {status: draft}`).
  function unmetRequirement(rule, value, data) {
    if (!rule || !data || (typeof value === "string" && value.trim())) {
      return null;
    }
    var unless = rule.get("unless");
    if (unless && unless.some(function (wanted, key) { return data.get(key) === wanted; })) {
      return null;
    }
    var messages = {};
    rule.get("values").forEach(function (message, key) {
      messages[String(key).toLowerCase()] = message;
    });
    var held = data.get(rule.get("field"));
    held = held && held.toJS ? held.toJS() : held === undefined || held === null ? [] : [held];
    for (var index = 0; index < held.length; index += 1) {
      var message = messages[String(held[index]).toLowerCase()];
      if (message) {
        return message;
      }
    }
    return null;
  }

  // Decap's `required` is all or nothing: a text some entries must have (a content note, with a
  // sensitive topic) is Decap's own string or text widget under another name, with the rule added.
  // Decap asks `isValid` of every field before it saves, and shows the message under the field.
  function conditional(name, base) {
    var widget = CMS.getWidget(base);
    var Control = createClass({
      isValid: function () {
        var entry = this.props.getEntry ? this.props.getEntry() : this.props.entry;
        var message = unmetRequirement(
          this.props.field.get("required_when"), this.props.value, entry && entry.get("data"));
        return message ? { error: { message: message } } : true;
      },
      render: function () {
        return h(widget.control, this.props);
      },
    });
    CMS.registerWidget(name, Control, widget.preview, { properties: { required_when: { type: "object" } } });
  }
  conditional("conditional_string", "string");
  conditional("conditional_text", "text");

  var ArticlePreview = createClass({
    render: function () {
      var data = this.props.entry.get("data");
      var topics = list(data.get("topics"));
      var points = list(data.get("key_points"));
      var image = data.get("image");
      return h("main", { id: "main" },
        h("article", { className: "article" },
          h("header", { className: "article-header" },
            h("p", { className: "kicker" }, data.get("category") || ""),
            h("h1", {}, data.get("title") || "Untitled"),
            data.get("summary") ? h("p", { className: "standfirst" }, data.get("summary")) : null),
          image ? h("figure", { className: "lead-image" },
            h("img", { src: this.props.getAsset(image).toString(), alt: data.get("image_alt") || "" })) : null,
          data.get("content_note") ? h("div", { className: "content-note", role: "note" },
            h("p", {}, data.get("content_note"))) : null,
          points.length ? h("div", { className: "key-points", role: "note" },
            h("h2", {}, "Key points"),
            h("ul", {}, points.map(function (point, index) { return h("li", { key: index }, point); }))) : null,
          h("div", { className: "article-body" }, this.props.widgetFor("body")),
          topics.length ? h("footer", { className: "article-footer" },
            h("p", { className: "article-topics" }, "Topics: " + topics.join(", "))) : null));
    }
  });

  var PagePreview = createClass({
    render: function () {
      var data = this.props.entry.get("data");
      return h("main", { id: "main" },
        h("article", { className: "page" },
          h("h1", {}, data.get("title") || "Untitled"),
          h("div", { className: "article-body" }, this.props.widgetFor("body"))));
    }
  });

  CMS.registerPreviewTemplate("articles", ArticlePreview);
  CMS.registerPreviewTemplate("pages", PagePreview);
})();
