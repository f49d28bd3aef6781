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
// Offsets of facts from an HTML input index this text (`extract --dump-text`).
std::string html_to_text(std::string_view html);

// Whether a path names an HTML file (.html or .htm, any case).
bool is_html_path(std::string_view path);

}  // namespace extract
