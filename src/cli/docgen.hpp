// Documentation generated from the CLI's own option definitions, so that the
// man page and shell completions cannot drift from `--help`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace extract {

// Fixed value sets of options (e.g. "--format" -> jsonl json text csv tsv),
// shared by the validators and by the completions.
using OptionChoices = std::map<std::string, std::vector<std::string>>;

// extract(1) in roff (man -l extract.1).
std::string man_page(const CLI::App& app, const OptionChoices& choices);

// A completion script for "bash", "zsh" or "fish"; empty for other shells.
std::string completion_script(const CLI::App& app, const OptionChoices& choices, const std::string& shell);

}  // namespace extract
