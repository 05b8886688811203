// Dates in the form: shown and typed the British way (`date_format`, `time_format`: DD/MM/YYYY HH:mm), kept
// in the file as the schema reads them (`format`: YYYY-MM-DDTHH:mm, ISO 8601). The time is optional: a date
// alone is written as the date alone. Seconds and a zone written by hand are shown and kept.
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.BritishDates = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var TOKENS = /YYYY|MM|M|DD|D|HH|H|mm/g;
  var PART = { YYYY: "year", MM: "month", M: "month", DD: "day", D: "day", HH: "hour", H: "hour", mm: "minute" };
  var DIGITS = { YYYY: "(\\d{4})", MM: "(\\d{1,2})", M: "(\\d{1,2})", DD: "(\\d{1,2})", D: "(\\d{1,2})",
    HH: "(\\d{1,2})", H: "(\\d{1,2})", mm: "(\\d{2})" };
  var ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(:\d{2}(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
  // After the time, as typed: seconds, and a zone.
  var EXTRA = "(:\\d{2}(?:\\.\\d+)?)?\\s*(Z|[+-]\\d{2}:?\\d{2})?";

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) {
      text = "0" + text;
    }
    return text;
  }

  function formatted(pattern, parts) {
    return pattern.replace(TOKENS, function (token) {
      var value = parts[PART[token]];
      return token.length === 1 ? String(value) : pad(value, token.length);
    });
  }

  function reader(pattern) {
    var names = [];
    var source = "";
    var last = 0;
    pattern.replace(TOKENS, function (token, at) {
      source += pattern.slice(last, at).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + DIGITS[token];
      names.push(PART[token]);
      last = at + token.length;
      return token;
    });
    source += pattern.slice(last).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return { source: source, names: names };
  }

  function real(parts) {
    var when = new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
    var dateIsReal =
      when.getUTCFullYear() === parts.year &&
      when.getUTCMonth() === parts.month - 1 &&
      when.getUTCDate() === parts.day;
    return dateIsReal && (parts.hour === undefined || (parts.hour < 24 && parts.minute < 60));
  }

  // The parts of a value in the file, or null when it is not an ISO 8601 date.
  function fromStored(value) {
    var match = ISO.exec(String(value === undefined || value === null ? "" : value).trim());
    if (!match) {
      return null;
    }
    var parts = { year: +match[1], month: +match[2], day: +match[3], extra: (match[6] || "") };
    if (match[4] !== undefined) {
      parts.hour = +match[4];
      parts.minute = +match[5];
    }
    parts.zone = match[7] || "";
    return real(parts) ? parts : null;
  }

  function options(field) {
    return {
      date: field.date_format || "DD/MM/YYYY",
      time: field.time_format || "HH:mm",
      format: field.format || "YYYY-MM-DDTHH:mm",
    };
  }

  // A value of the file as the form shows it; text that is not a date is shown as it is.
  function shown(value, field) {
    var parts = fromStored(value);
    if (!parts) {
      return value === undefined || value === null ? "" : String(value);
    }
    var settings = options(field);
    var text = formatted(settings.date, parts);
    if (parts.hour !== undefined) {
      text += " " + formatted(settings.time, parts) + parts.extra;
    }
    return parts.zone ? text + " " + parts.zone : text;
  }

  // What the author typed, as the file keeps it: "" for nothing, null when it is not a date.
  function stored(text, field) {
    text = String(text).trim();
    if (!text) {
      return "";
    }
    var settings = options(field);
    var date = reader(settings.date);
    var time = reader(settings.time);
    var match = new RegExp("^" + date.source + "(?:(?:\\s+|\\s*,\\s*|T)" + time.source + EXTRA + ")?$").exec(
      text
    );
    if (!match) {
      return null;
    }
    var parts = {};
    date.names.concat(time.names).forEach(function (name, index) {
      if (match[index + 1] !== undefined) {
        parts[name] = +match[index + 1];
      }
    });
    var more = date.names.length + time.names.length;
    if (!real(parts)) {
      return null;
    }
    // The date alone: the date part of `format`, before its first hour or minute.
    var pattern = parts.hour === undefined ? settings.format.replace(/[^YMD]*[Hm].*$/, "") : settings.format;
    var zone = match[more + 2] || "";
    return formatted(pattern, parts) + (match[more + 1] || "") + zone;
  }

  return { shown: shown, stored: stored, fromStored: fromStored };
});
