// HTML news pages to plain text, through Gumbo (a full HTML5 parser).
#pragma once

#include <string>
#include <string_view>

namespace extract {

// The readable text of an HTML document: text nodes in document order with
// entities decoded; <script>, <style>, <noscript>, <template>, <nav>, <header>,
// <footer>, <aside>, <form>, <iframe> and <svg> dropped (the <title> is kept); block elements
// (p, div, h1-h6, li, tr, article, section, blockquote, ...) separated by a blank
// line, <br> by a newline; runs of spaces inside a block collapsed.
// Offsets of facts from an HTML input index this text (`extract --dump-text`),
// which is always valid UTF-8.
std::string html_to_text(std::string_view html);

// The bytes of an HTML file as UTF-8. Bytes that are valid UTF-8 stay as they
// are, whatever the page declares (pages often declare a charset they do not
// use). Other bytes are decoded from the charset the page declares in its
// first 1024 bytes (`<meta charset=...>` or `content="...; charset=..."`):
// windows-1252 for the labels the WHATWG Encoding Standard maps to it
// (iso-8859-1, latin1, us-ascii, ...) and when none is declared (the web's
// default for such pages), else through iconv. `warning` then says what was
// done (docs/errors.md); it stays empty for UTF-8. A charset iconv does not
// know, or bytes it cannot convert, leave the bytes as they are (the HTML
// parser then shows each byte that is not UTF-8 as U+FFFD).
std::string html_to_utf8(std::string_view bytes, std::string& warning);

// Whether a path names an HTML file (.html or .htm, any case).
bool is_html_path(std::string_view path);

}  // namespace extract
