// The editor's preview: the site's own stylesheet, and articles laid out as the site lays them out.
/* global CMS, h, createClass */
(function () {
  "use strict";
  var stylesheet = document.currentScript.dataset.previewStyle;
  if (stylesheet) {
    CMS.registerPreviewStyle(stylesheet);
  }

  function list(value) {
    return value && value.toJS ? value.toJS() : [];
  }

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
