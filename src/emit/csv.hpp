// The one CSV/TSV writer: RFC 4180 CSV (fields with a comma, quote, CR or LF
// are quoted, quotes doubled) and TSV (tab, newline, carriage return and
// backslash escaped as \t \n \r \\, the convention of PostgreSQL's text format
// and of most TSV readers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace extract {

enum class Delimited { csv, tsv };

std::string delimited_field(std::string_view field, Delimited kind);
// One row, with the line end ("\r\n" for CSV as RFC 4180 says, "\n" for TSV).
std::string delimited_row(const std::vector<std::string>& fields, Delimited kind);

}  // namespace extract
