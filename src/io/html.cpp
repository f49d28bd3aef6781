#include "io/html.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <gumbo.h>

namespace extract {

namespace {

bool dropped(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM: case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_OBJECT:
      return true;
    default:
      return false;
  }
}

bool block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_TR: case GUMBO_TAG_TABLE: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_MAIN: case GUMBO_TAG_TITLE: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_DD: case GUMBO_TAG_HR: case GUMBO_TAG_BODY: case GUMBO_TAG_TD: case GUMBO_TAG_TH:
      return true;
    default:
      return false;
  }
}

class TextWriter {
 public:
  void text(const char* s) {
    for (const char* p = s; *p; ++p) {
      const unsigned char c = static_cast<unsigned char>(*p);
      if (std::isspace(c)) {
        pending_space_ = !out_.empty() && out_.back() != '\n';
      } else {
        if (pending_space_) out_ += ' ';
        pending_space_ = false;
        out_ += static_cast<char>(c);
      }
    }
  }
  void line_break() {
    trim_space();
    out_ += '\n';
  }
  void paragraph_break() {
    trim_space();
    if (out_.empty()) return;
    if (out_.size() >= 2 && out_.back() == '\n' && out_[out_.size() - 2] == '\n') return;
    out_ += out_.back() == '\n' ? "\n" : "\n\n";
  }
  std::string finish() {
    trim_space();
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    if (!out_.empty()) out_ += '\n';
    return std::move(out_);
  }

 private:
  void trim_space() { pending_space_ = false; }
  std::string out_;
  bool pending_space_ = false;
};

void walk(const GumboNode* root, TextWriter& w) {
  // Iterative, so that deeply nested pages cannot overflow the stack.
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };
  std::vector<Frame> stack{{root, 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    const GumboNode* n = f.node;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
      w.text(n->v.text.text);
      stack.pop_back();
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT && n->type != GUMBO_NODE_TEMPLATE) {
      stack.pop_back();
      continue;
    }
    const GumboVector& children = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    const bool is_element = n->type == GUMBO_NODE_ELEMENT;
    if (f.next_child == 0 && is_element) {
      const GumboTag tag = n->v.element.tag;
      if (dropped(tag)) {
        stack.pop_back();
        continue;
      }
      if (tag == GUMBO_TAG_BR) w.line_break();
      if (block(tag)) w.paragraph_break();
    }
    if (f.next_child < children.length) {
      const GumboNode* child = static_cast<const GumboNode*>(children.data[f.next_child++]);
      stack.push_back({child, 0});
      continue;
    }
    if (is_element && block(n->v.element.tag)) w.paragraph_break();
    stack.pop_back();
  }
}

}  // namespace

std::string html_to_text(std::string_view html) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 100;
  GumboOutput* out = gumbo_parse_with_options(&options, html.data(), html.size());
  TextWriter w;
  walk(out->document, w);
  gumbo_destroy_output(&options, out);
  return w.finish();
}

bool is_html_path(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == "html" || ext == "htm" || ext == "xhtml";
}

}  // namespace extract
