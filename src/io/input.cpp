#include "io/input.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fnmatch.h>

#include <fmt/format.h>

#include "core/utf8.hpp"
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
  if (is_html_path(path)) {
    std::string warning;
    d.text = html_to_text(html_to_utf8(text, warning));
    if (!warning.empty()) d.read_warnings.push_back(std::move(warning));
  } else {
    d.text = std::move(text);
  }
  r.document = std::move(d);
  return r;
}

namespace {

// Why a line is not JSON, and where: "invalid JSON at column N: REASON" (N
// counts bytes from 1; REASON is the parser's own words, at most about 160
// bytes), or "an empty line is not a JSON record". Only for lines that
// failed to parse: the parser runs again, this time throwing, for its message.
std::string invalid_json(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return "an empty line is not a JSON record";
  try {
    const Json parsed = Json::parse(line.begin(), line.end());
    (void)parsed;
  } catch (const Json::parse_error& e) {
    std::string reason = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: REASON"
    if (const auto at = reason.find("column "); at != std::string::npos)
      if (const auto colon = reason.find(": ", at); colon != std::string::npos) reason.erase(0, colon + 2);
    reason = repair_utf8(reason);  // "last read" may end inside a character
    constexpr std::size_t kMaxReason = 160;
    if (reason.size() > kMaxReason) {
      std::size_t cut = kMaxReason;
      while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;  // whole characters
      reason.resize(cut);
      reason += "...";
    }
    return fmt::format("invalid JSON at column {}: {}", e.byte, reason);
  } catch (const std::exception&) {
  }
  return "invalid JSON";
}

}  // namespace

InputResult parse_record(std::string_view line, std::uint64_t max_size) {
  InputResult r;
  if (line.size() > max_size) {
    r.error = fmt::format("record larger than the maximum document size of {} bytes", max_size);
    return r;
  }
  Json j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) {
    r.error = invalid_json(line);
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
    // The walk's paths are the folder's path joined to theirs (it follows no
    // link to a folder): the path under the folder, for the globs, is what
    // follows that prefix, read without asking the file system again (as
    // fs::relative would, a call per part of the path: 11 per file).
    const std::string prefix = (fs::path(p) / "").string();
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
      const std::string full = it->path().string();
      const std::string rel =
          full.compare(0, prefix.size(), prefix) == 0 ? full.substr(prefix.size()) : fs::relative(it->path(), p, ec).string();
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
