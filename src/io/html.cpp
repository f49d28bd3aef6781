#include "io/html.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <optional>
#include <vector>

#include <gumbo.h>
#include <iconv.h>

#include "core/utf8.hpp"

namespace extract {

namespace {

// The charset label a page declares in its first 1024 bytes, in lower case;
// empty when none. A light form of the HTML prescan: the first "charset",
// then optional spaces, '=', spaces and a quote, then the label.
std::string declared_charset(std::string_view bytes) {
  std::string head(bytes.substr(0, 1024));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t at = head.find("charset"); at != std::string::npos; at = head.find("charset", at + 7)) {
    std::size_t i = at + 7;
    while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
    if (i >= head.size() || head[i] != '=') continue;
    ++i;
    while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
    if (i < head.size() && (head[i] == '"' || head[i] == '\'')) ++i;
    std::string label;
    while (i < head.size() && (std::isalnum(static_cast<unsigned char>(head[i])) || std::strchr("-_.:", head[i]) != nullptr))
      label += head[i++];
    if (!label.empty()) return label.substr(0, 40);  // charset names are shorter; a longer one is unknown
  }
  return "";
}

// The labels the WHATWG Encoding Standard reads as windows-1252.
bool is_windows_1252(const std::string& label) {
  static const char* const kLabels[] = {"ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819",
                                        "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1",
                                        "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
                                        "x-cp1252"};
  return std::find_if(std::begin(kLabels), std::end(kLabels), [&](const char* l) { return label == l; }) !=
         std::end(kLabels);
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// windows-1252 as the Encoding Standard defines it: Latin-1, but 0x80-0x9F
// are mostly punctuation (the five bytes it leaves undefined stay C1 controls).
std::string from_windows_1252(std::string_view bytes) {
  static const unsigned short kHigh[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    append_utf8(out, b >= 0x80 && b < 0xA0 ? kHigh[b - 0x80] : b);
  }
  return out;
}

// Through iconv; nullopt when it does not know the charset or cannot convert.
std::optional<std::string> through_iconv(std::string_view bytes, const std::string& label) {
  iconv_t cd = iconv_open("UTF-8", label.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size(), written = 0;
  for (;;) {
    char* to = out.data() + written;
    std::size_t out_left = out.size() - written;
    const std::size_t done = iconv(cd, &in, &in_left, &to, &out_left);
    written = out.size() - out_left;
    if (done != static_cast<std::size_t>(-1)) break;
    if (errno != E2BIG) {  // a byte sequence not in the charset
      iconv_close(cd);
      return std::nullopt;
    }
    out.resize(out.size() * 2);  // some charsets give several characters per byte
  }
  iconv_close(cd);
  if (in_left != 0) return std::nullopt;
  out.resize(written);
  return out;
}

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
  // Gumbo writes an out-of-range numeric reference (`&#999999999999932;`) as a
  // lone byte, not as U+FFFD: the text is repaired so that it is UTF-8.
  std::string text = w.finish();
  if (find_invalid_utf8(text)) text = repair_utf8(text);
  return text;
}

std::string html_to_utf8(std::string_view bytes, std::string& warning) {
  warning.clear();
  const auto bad = find_invalid_utf8(bytes);
  if (!bad) return std::string(bytes);
  const std::string label = declared_charset(bytes);
  if (label == "utf-8" || label == "utf8") {
    warning = "invalid UTF-8 at byte " + std::to_string(*bad) +
              " of the file; invalid bytes are shown as U+FFFD in the output";
    return std::string(bytes);
  }
  if (label.empty() || is_windows_1252(label)) {
    warning = label.empty() ? "not UTF-8 and no charset declared: read as windows-1252"
                            : "not UTF-8: read as windows-1252 (declared: " + label + ")";
    return from_windows_1252(bytes);
  }
  if (auto converted = through_iconv(bytes, label)) {
    warning = "not UTF-8: read as " + label + " (declared)";
    return std::move(*converted);
  }
  warning = "declares charset " + label + ", which cannot be read here; bytes that are not UTF-8 are shown as U+FFFD";
  return std::string(bytes);
}

bool is_html_path(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(path.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == "html" || ext == "htm" || ext == "xhtml";
}

}  // namespace extract
