#include "emit/csv.hpp"

namespace extract {

std::string delimited_field(std::string_view f, Delimited kind) {
  std::string out;
  if (kind == Delimited::tsv) {
    for (char c : f) {
      switch (c) {
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        default: out += c;
      }
    }
    return out;
  }
  if (f.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(f);
  out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string delimited_row(const std::vector<std::string>& fields, Delimited kind) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += kind == Delimited::csv ? ',' : '\t';
    out += delimited_field(fields[i], kind);
  }
  out += kind == Delimited::csv ? "\r\n" : "\n";
  return out;
}

}  // namespace extract
