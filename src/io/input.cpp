#include "io/input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fnmatch.h>

#include <fmt/format.h>

#include "io/html.hpp"

namespace fs = std::filesystem;

namespace extract {

std::optional<std::string> text_problem(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  if (starts(std::string_view("\xFF\xFE\x00\x00", 4)) || starts(std::string_view("\x00\x00\xFE\xFF", 4)))
    return std::string("UTF-32 text is not supported (convert it with: iconv -f UTF-32 -t UTF-8)");
  if (starts("\xFF\xFE") || starts("\xFE\xFF"))
    return std::string("UTF-16 text is not supported (convert it with: iconv -f UTF-16 -t UTF-8)");
  auto nul = b.find('\0');
  if (nul != std::string_view::npos) return fmt::format("binary file (NUL byte at offset {})", nul);
  return std::nullopt;
}

InputResult read_document(const std::string& path, std::uint64_t max_size) {
  InputResult r;
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) {
    r.error = std::strerror(errno);
    return r;
  }
  std::error_code ec;
  if (path != "-" && fs::is_directory(path, ec)) {
    std::fclose(f);
    r.error = "is a directory";
    return r;
  }
  std::string text;
  char buf[1 << 16];
  std::size_t n;
  bool too_big = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (text.size() + n > max_size) {
      too_big = true;
      break;
    }
    text.append(buf, n);
  }
  const bool failed = std::ferror(f);
  const int err = errno;
  if (path != "-") std::fclose(f);
  if (too_big) {
    r.error = fmt::format("larger than the maximum document size of {} bytes (see --max-size)", max_size);
    return r;
  }
  if (failed) {
    r.error = std::strerror(err);
    return r;
  }
  if (auto problem = text_problem(text)) {
    r.error = *problem;
    return r;
  }
  Document d;
  d.source = path;
  d.text = is_html_path(path) ? html_to_text(text) : std::move(text);
  r.document = std::move(d);
  return r;
}

InputResult parse_record(std::string_view line, std::uint64_t max_size) {
  InputResult r;
  if (line.size() > max_size) {
    r.error = fmt::format("record larger than the maximum document size of {} bytes", max_size);
    return r;
  }
  Json j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) {
    r.error = "invalid JSON";
    return r;
  }
  if (!j.is_object()) {
    r.error = "a record must be a JSON object with a \"text\" field";
    return r;
  }
  Document d;
  if (auto id = j.find("id"); id != j.end()) d.id = r.id = *id;
  auto text = j.find("text");
  if (text == j.end() || !text->is_string()) {
    r.error = "record has no string field \"text\"";
    r.id = d.id;
    return r;
  }
  d.text = text->get<std::string>();
  if (auto p = j.find("published"); p != j.end() && !p->is_null()) {
    if (!p->is_string() || !(d.published_hint = parse_iso_date(p->get<std::string>()))) {
      r.error = "field \"published\" must be a date YYYY-MM-DD";
      return r;
    }
  }
  if (auto l = j.find("lang"); l != j.end() && !l->is_null()) {
    if (!l->is_string()) {
      r.error = "field \"lang\" must be a string";
      return r;
    }
    d.language_hint = l->get<std::string>();
  }
  r.document = std::move(d);
  return r;
}

namespace {

bool glob_match(const std::vector<std::string>& globs, const std::string& name, const std::string& rel) {
  for (const auto& g : globs)
    if (fnmatch(g.c_str(), name.c_str(), 0) == 0 || fnmatch(g.c_str(), rel.c_str(), 0) == 0) return true;
  return false;
}

}  // namespace

Expanded expand_paths(const std::vector<std::string>& paths, const std::vector<std::string>& include,
                      const std::vector<std::string>& exclude) {
  Expanded out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p == "-" || !fs::is_directory(p, ec)) {
      out.files.push_back(p);
      out.from_walk.push_back(false);
      continue;
    }
    std::vector<std::string> found;
    auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      out.errors.emplace_back(p, ec.message());
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        out.errors.emplace_back(it->path().string(), ec.message());
        ec.clear();
        break;
      }
      const auto name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        ++out.hidden_skipped;
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec)) continue;
      const std::string rel = fs::relative(it->path(), p, ec).string();
      if ((!include.empty() && !glob_match(include, name, rel)) || glob_match(exclude, name, rel)) {
        ++out.filtered_out;
        continue;
      }
      // Regular files, and links to them; a dangling link is kept so that
      // reading it reports the error.
      if (it->is_regular_file(ec) || it->is_symlink(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.files.insert(out.files.end(), found.begin(), found.end());
    out.from_walk.insert(out.from_walk.end(), found.size(), true);
  }
  return out;
}

}  // namespace extract
