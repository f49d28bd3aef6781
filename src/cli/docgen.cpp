#include "cli/docgen.hpp"

#include <fmt/format.h>

namespace extract {

namespace {

// Escapes text for roff: backslashes, hyphens, and lines starting with a dot.
std::string roff(const std::string& s) {
  std::string out;
  bool line_start = true;
  for (char c : s) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string names_of(const CLI::Option* o) {
  std::string s;
  for (const auto& n : o->get_snames()) s += (s.empty() ? "" : ", ") + std::string("-") + n;
  for (const auto& n : o->get_lnames()) s += (s.empty() ? "" : ", ") + std::string("--") + n;
  return s;
}

std::string long_name(const CLI::Option* o) {
  return o->get_lnames().empty() ? std::string() : "--" + o->get_lnames().front();
}

std::vector<const CLI::Option*> named_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : app.get_options())
    if (!o->get_positional() && !(o->get_lnames().empty() && o->get_snames().empty())) out.push_back(o);
  return out;
}

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void collect_commands(const CLI::App& app, const std::string& prefix,
                      std::vector<std::pair<std::string, const CLI::App*>>& out) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string name = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    out.emplace_back(name, sub);
    collect_commands(*sub, name, out);
  }
}

}  // namespace

std::string man_page(const CLI::App& app, const OptionChoices& choices) {
  std::string m;
  m += ".TH EXTRACT 1 \"\" \"extract " EXTRACT_VERSION "\" \"User Commands\"\n";
  m += ".SH NAME\nextract \\- " + roff("facts from technology-acquisition news (English and Indonesian)") + "\n";
  m += ".SH SYNOPSIS\n.B extract\n[\\fIOPTIONS\\fR] [\\fIPATH\\fR...]\n.br\n.B extract rules check\n[\\fIDIR\\fR]\n"
       ".br\n.B extract rules test\n[\\fIDIR\\fR]\n.br\n.B extract schema\n.br\n.B extract man\n.br\n"
       ".B extract completions\n\\fISHELL\\fR\n";
  m += ".SH DESCRIPTION\n" +
       roff("extract reads news articles (files, folders, standard input, or JSON Lines records) and writes "
            "the facts it finds: dates, money, percentages, quantities and durations with normalized values; "
            "organizations, people, products and places; quotes with their speakers; and acquisition deals "
            "(acquirer, target, seller, price, status). Patterns are RE2 rules in YAML files; adding a rule "
            "needs no rebuild.") + "\n";
  m += ".SH OPTIONS\n";
  for (const CLI::Option* o : named_options(app)) {
    m += ".TP\n.B " + roff(names_of(o));
    if (o->get_expected() != 0 && o->get_type_size() != 0) m += " \\fIVALUE\\fR";
    m += "\n" + roff(o->get_description());
    auto c = choices.find(long_name(o));
    if (c != choices.end()) {
      std::string list;
      for (const auto& v : c->second) list += (list.empty() ? "" : ", ") + v;
      m += " " + roff("Values: " + list + ".");
    }
    if (!o->get_envname().empty()) m += " " + roff("Environment: " + o->get_envname() + ".");
    m += "\n";
  }
  m += ".SH COMMANDS\n";
  std::vector<std::pair<std::string, const CLI::App*>> commands;
  collect_commands(app, "", commands);
  for (const auto& [name, sub] : commands) {
    m += ".TP\n.B extract " + roff(name) + "\n" + roff(sub->get_description()) + "\n";
    for (const CLI::Option* o : named_options(*sub)) {
      if (o->get_lnames().size() == 1 && o->get_lnames()[0] == "help") continue;
      m += ".br\n" + roff(names_of(o) + ": " + o->get_description()) + "\n";
    }
  }
  m += ".SH OUTPUT\n" +
       roff("One record per input document. JSON Lines (the default in a pipe): "
            "{\"id\"?, \"source\", \"language\", \"published\", \"facts\", \"entities\", \"deals\"}. "
            "Each fact has type, text, start, end, rule and value; start and end are byte offsets into the "
            "input, half-open, so that text equals input[start:end]. An input that cannot be processed gives "
            "{\"source\", \"error\"} in its place. 'extract schema' prints the JSON Schema of the record.") +
       "\n";
  m += ".SH EXIT STATUS\n.TP\n.B 0\n" + roff("Every input was processed (also when no facts were found).") +
       "\n.TP\n.B 1\n" + roff("'rules check' found problems or 'rules test' had failures.") + "\n.TP\n.B 2\n" +
       roff("Usage error, an input that could not be read or decoded, rules that do not load, or output "
            "that could not be written.") +
       "\n.TP\n.B 130\n" + roff("Interrupted (Ctrl-C); a partial --output file is removed.") + "\n";
  m += ".SH ENVIRONMENT\n.TP\n.B EXTRACT_RULES\n" + roff("Rules directory, as --rules.") +
       "\n.TP\n.B EXTRACT_CACHE_DIR\n" +
       roff("Where rule-set snapshots are kept (default: $XDG_CACHE_HOME/extract, else ~/.cache/extract). "
            "A snapshot holds the checked rules, keyed by the rule files' bytes and the build; it is read "
            "instead of the YAML files, which makes startup about seven times faster. Set and empty: no "
            "snapshots. See also --no-cache.") +
       "\n.TP\n.B NO_COLOR\n" + roff("When set and not empty, the text view has no colours.") + "\n";
  m += ".SH FILES\n.TP\n.I /usr/share/extract/rules\n" +
       roff("The rule packs installed with the binary (found relative to it: ../share/extract/rules).") +
       "\n.TP\n.I ~/.cache/extract/rules-*.snapshot\n" +
       roff("Rule-set snapshots (at most 8; safe to delete at any time).") + "\n";
  m += ".SH EXAMPLES\n.nf\n" + roff(app.get_footer().substr(0, app.get_footer().find("\n\n"))) + "\n.fi\n";
  m += ".SH SEE ALSO\n.BR jq (1),\n.BR rg (1)\n";
  return m;
}

std::string completion_script(const CLI::App& app, const OptionChoices& choices, const std::string& shell) {
  std::vector<const CLI::Option*> opts = named_options(app);
  std::vector<std::pair<std::string, const CLI::App*>> commands;
  collect_commands(app, "", commands);
  std::string s;
  if (shell == "bash") {
    std::string words;
    for (const auto* o : opts) {
      for (const auto& n : o->get_snames()) words += " -" + n;
      for (const auto& n : o->get_lnames()) words += " --" + n;
    }
    s += "# bash completion for extract (generated by 'extract completions bash')\n_extract() {\n"
         "  local cur prev\n  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  case \"$prev\" in\n";
    for (const auto& [opt, values] : choices) {
      std::string v;
      for (const auto& x : values) v += (v.empty() ? "" : " ") + x;
      s += "    " + opt + ") COMPREPLY=($(compgen -W \"" + v + "\" -- \"$cur\")); return ;;\n";
    }
    s += "    --rules) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n";
    s += "    rules) COMPREPLY=($(compgen -W \"check test\" -- \"$cur\")); return ;;\n";
    s += "    completions) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return ;;\n  esac\n";
    s += "  if [[ \"$cur\" == -* ]]; then\n    COMPREPLY=($(compgen -W \"" + words.substr(1) + "\" -- \"$cur\"))\n"
         "  elif [[ $COMP_CWORD -eq 1 ]]; then\n"
         "    COMPREPLY=($(compgen -W \"rules schema man completions\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n"
         "  else\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n}\ncomplete -o filenames -F _extract extract\n";
  } else if (shell == "zsh") {
    s += "#compdef extract\n# zsh completion for extract (generated by 'extract completions zsh')\n_arguments -s \\\n";
    for (const auto* o : opts) {
      std::string desc = o->get_description();
      desc = desc.substr(0, desc.find(". "));
      for (auto& c : desc)
        if (c == '[' || c == ']' || c == ':') c = ' ';
      std::string action;
      auto ch = choices.find(long_name(o));
      if (ch != choices.end()) {
        action = ":value:(";
        for (const auto& v : ch->second) action += v + " ";
        action.back() = ')';
      } else if (o->get_expected() != 0 && o->get_type_size() != 0) {
        action = long_name(o) == "--rules" ? ":directory:_files -/" : ":value:";
      }
      std::vector<std::string> names;
      for (const auto& n : o->get_snames()) names.push_back("-" + n);
      for (const auto& n : o->get_lnames()) names.push_back("--" + n);
      for (const auto& n : names) s += "  " + single_quoted(n + "[" + desc + "]" + action) + " \\\n";
    }
    s += "  '1:command or file:(rules schema man completions)' \\\n  '*:file:_files'\n";
  } else if (shell == "fish") {
    s += "# fish completion for extract (generated by 'extract completions fish')\n";
    s += "complete -c extract -n '__fish_use_subcommand' -a 'rules schema man completions'\n";
    s += "complete -c extract -n '__fish_seen_subcommand_from rules' -a 'check test'\n";
    s += "complete -c extract -n '__fish_seen_subcommand_from completions' -a 'bash zsh fish'\n";
    for (const auto* o : opts) {
      std::string line = "complete -c extract";
      for (const auto& n : o->get_snames()) line += " -s " + n;
      for (const auto& n : o->get_lnames()) line += " -l " + n;
      std::string desc = o->get_description();
      line += " -d " + single_quoted(desc.substr(0, desc.find(". ")));
      auto ch = choices.find(long_name(o));
      if (ch != choices.end()) {
        std::string v;
        for (const auto& x : ch->second) v += (v.empty() ? "" : " ") + x;
        line += " -x -a " + single_quoted(v);
      } else if (long_name(o) == "--rules") {
        line += " -r -a '(__fish_complete_directories)'";
      } else if (o->get_expected() != 0 && o->get_type_size() != 0) {
        line += " -r";
      }
      s += line + "\n";
    }
  }
  return s;
}

}  // namespace extract
